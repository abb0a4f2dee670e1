import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { actionsIO, consoleIO } from "./io.ts";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "secflow-io-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("consoleIO", () => {
  it("prints readable lines and records outputs, annotations and summary", async () => {
    const out = capture();
    const io = consoleIO({ stream: out.stream });
    io.info("starting");
    const value = await io.group("scan", async () => {
      io.warning("eval is dangerous", { file: "src/a.ts", startLine: 3, startColumn: 5, title: "no-eval" });
      return 42;
    });
    io.error("no location");
    io.notice("fyi", { file: "README.md" });
    io.setOutput("findings", 2);
    io.setOutput("passed", false);
    await io.appendSummary("## Result");
    expect(value).toBe(42);
    expect(out.text()).toBe(
      [
        "starting",
        "== scan",
        "warning: src/a.ts:3:5: no-eval: eval is dangerous",
        "error: no location",
        "notice: README.md: fyi",
        "## Result",
        "",
      ].join("\n"),
    );
    expect(io.outputs).toEqual({ findings: "2", passed: "false" });
    expect(io.annotations).toEqual([
      {
        level: "warning",
        message: "eval is dangerous",
        properties: { file: "src/a.ts", startLine: 3, startColumn: 5, title: "no-eval" },
      },
      { level: "error", message: "no location" },
      { level: "notice", message: "fyi", properties: { file: "README.md" } },
    ]);
    expect(io.summary).toBe("## Result\n");
  });

  it("masks registered secrets everywhere", async () => {
    const out = capture();
    const io = consoleIO({ stream: out.stream });
    io.setSecret("s3cr3t");
    io.info("token s3cr3t");
    io.error("failed with s3cr3t", { title: "auth s3cr3t" });
    io.setOutput("token", "s3cr3t");
    await io.appendSummary("| s3cr3t |");
    expect(out.text()).not.toContain("s3cr3t");
    expect(JSON.stringify([io.outputs, io.annotations, io.summary])).not.toContain("s3cr3t");
    expect(io.annotations[0]).toEqual({
      level: "error",
      message: "failed with ***",
      properties: { title: "auth ***" },
    });
  });

  it("prints only annotations when quiet and appends the summary to a file", async () => {
    const out = capture();
    const summaryFile = path.join(dir, "summary.md");
    await writeFile(summaryFile, "# Before\n");
    const io = consoleIO({ stream: out.stream, quiet: true, summaryFile });
    io.info("hidden");
    await io.group("hidden", async () => io.warning("shown"));
    await io.appendSummary("one");
    await io.appendSummary("two\n");
    expect(out.text()).toBe("warning: shown\n");
    expect(await readFile(summaryFile, "utf8")).toBe("# Before\none\ntwo\n");
  });
});

describe("actionsIO", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it("writes workflow commands, output and summary files as the runner expects", async () => {
    const outputFile = path.join(dir, "output");
    const summaryFile = path.join(dir, "step-summary.md");
    await writeFile(outputFile, "");
    await writeFile(summaryFile, "");
    process.env.GITHUB_OUTPUT = outputFile;
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });

    const io = actionsIO();
    io.setSecret("s3cr3t");
    io.warning("eval found", { file: "src/a.ts", startLine: 3, title: "no-eval" });
    io.setOutput("decision", "review");
    await io.appendSummary("## Gate");

    expect(lines.join("")).toContain("::add-mask::s3cr3t");
    expect(lines.join("")).toContain("::warning title=no-eval,file=src/a.ts,line=3::eval found");
    expect(await readFile(outputFile, "utf8")).toMatch(
      /^decision<<ghadelimiter_[\w-]+\nreview\nghadelimiter_/,
    );
    expect(await readFile(summaryFile, "utf8")).toBe("## Gate\n");
  });
});
