// The Debian mirror this machine's apt already uses, read at run time from its sources
// (deb822 `.sources` files or one-line `sources.list`), so no host name is written down.

/** The first URI serving `suite` in the given sources texts, or undefined. */
export function debianMirror(texts: readonly string[], suite: string): string | undefined {
  for (const text of texts) {
    const found = fromDeb822(text, suite) ?? fromOneLine(text, suite);
    if (found) return found;
  }
  return undefined;
}

function fromDeb822(text: string, suite: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) =>
      new RegExp(`^${name}:\\s*(.+)$`, "im").exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
    if (!field("Types").includes("deb") || !field("Suites").includes(suite)) continue;
    const uri = field("URIs")[0];
    if (uri) return uri;
  }
  return undefined;
}

function fromOneLine(text: string, suite: string): string | undefined {
  for (const line of text.split("\n")) {
    // deb [options] uri suite components…
    const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match?.[2] === suite) return match[1];
  }
  return undefined;
}
