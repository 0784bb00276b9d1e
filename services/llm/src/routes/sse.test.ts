import { describe, expect, it } from "vitest";
import { SseWriter, sseEvent } from "./sse.js";

/** An in-memory response: what was written, in order, and how often the socket was uncorked. */
function fakeSink() {
  const sink = {
    written: [] as string[],
    writableEnded: false,
    uncorked: 0,
    socket: {
      uncork: () => {
        sink.uncorked++;
      },
    },
    write(chunk: string) {
      sink.written.push(chunk);
      return true;
    },
  };
  return sink;
}

const tick = () =>
  new Promise<void>((resolve) => {
    process.nextTick(resolve);
  });

describe("SseWriter", () => {
  it("when an event is queued, writes it only after the current microtasks, framed as data and a blank line", async () => {
    const sink = fakeSink();
    const events = new SseWriter(sink);
    events.later(() => ({ text: "a" }));
    await Promise.resolve();
    expect(sink.written).toEqual([]);
    await tick();
    expect(sink.written).toEqual(['data: {"text":"a"}\n\n']);
  });

  it("when an event is written now, the queued ones go first, in order", () => {
    const sink = fakeSink();
    const events = new SseWriter(sink);
    events.later(() => ({ n: 1 }));
    events.later(() => ({ n: 2 }));
    events.now({ n: 3 });
    expect(sink.written).toEqual([sseEvent({ n: 1 }), sseEvent({ n: 2 }), sseEvent({ n: 3 })]);
  });

  it("when the scheduled flush runs after an explicit one, nothing is written twice", async () => {
    const sink = fakeSink();
    const events = new SseWriter(sink);
    events.later(() => ({ n: 1 }));
    events.flush();
    await tick();
    expect(sink.written).toEqual([sseEvent({ n: 1 })]);
  });

  it("when an event is sent now, the socket is uncorked so the bytes leave before the next tick", () => {
    const sink = fakeSink();
    new SseWriter(sink).sendNow({ n: 1 });
    expect(sink.written).toEqual([sseEvent({ n: 1 })]);
    expect(sink.uncorked).toBe(1);
  });

  it("when the response has ended before the queued events are flushed, they are dropped instead of written after the end", async () => {
    const sink = fakeSink();
    const events = new SseWriter(sink);
    events.later(() => ({ n: 1 }));
    sink.writableEnded = true;
    await tick();
    expect(sink.written).toEqual([]);
  });
});
