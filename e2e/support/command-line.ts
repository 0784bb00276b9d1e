// The command-line contract every kubetune process keeps, as a shared suite: a bad flag
// is a message naming it plus the usage and exit code 2, never a stack trace; --help
// prints the usage and exits 0.
import { describe, expect, it } from "vitest";
import { runScript } from "./run-script.js";

export function describeCommandLine(name: string, main: string): void {
  describe(`the ${name}'s command line`, () => {
    it("when a flag is unknown, names it, prints the usage and exits 2", async () => {
      const result = await runScript(main, ["--bogus"]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain("Unknown option '--bogus'");
      expect(result.stderr).toContain(`usage: ${name}`);
      expect(result.stderr).not.toContain("    at ");
    });

    it("when asked for --help, prints the usage and exits 0", async () => {
      const result = await runScript(main, ["--help"]);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`usage: ${name}`);
    });
  });
}
