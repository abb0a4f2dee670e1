import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Spill } from "../src/spill.ts";

describe("Spill", () => {
  it("gives back every line in order, across its 4 MB chunks and inside multi-byte characters", () => {
    const spill = new Spill();
    // 7 bytes of "é" pairs and a counter: lines straddle every chunk boundary, some mid-character.
    const lines = Array.from({ length: 300_000 }, (_, i) => `{"n":${i},"t":"${"é".repeat(i % 13)}"}`);
    for (const line of lines) spill.push(line);
    try {
      expect([...spill.lines()]).toEqual(lines);
      // Read twice: the lines are on disk, not consumed.
      expect([...spill.lines()].length).toBe(lines.length);
    } finally {
      spill.dispose();
    }
  });

  it("removes its file when disposed, and holds nothing when nothing was pushed", () => {
    const spill = new Spill();
    expect([...spill.lines()]).toEqual([]);
    const dir = (spill as unknown as { dir: string }).dir;
    expect(existsSync(dir)).toBe(true);
    spill.dispose();
    expect(existsSync(dir)).toBe(false);
  });
});
