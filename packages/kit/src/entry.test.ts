import { PassThrough } from "node:stream";
import { UserError } from "@secflow/errors";
import { afterEach, describe, expect, it } from "vitest";
import { runAction } from "./entry.ts";
import { consoleIO } from "./io.ts";

function quietIO() {
  return consoleIO({ stream: new PassThrough() });
}

describe("runAction", () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it("leaves the exit code alone when main succeeds", async () => {
    const io = quietIO();
    await runAction(async (x) => x.setOutput("ok", true), io);
    expect(process.exitCode).toBeUndefined();
    expect(io.outputs).toEqual({ ok: "true" });
  });

  it("fails with the message of a failed outcome", async () => {
    const io = quietIO();
    await runAction(async () => ({ failed: "2 new findings of high severity or more" }), io);
    expect(process.exitCode).toBe(1);
    expect(io.annotations).toEqual([{ level: "error", message: "2 new findings of high severity or more" }]);
  });

  it("fails with the message alone for a UserError", async () => {
    const io = quietIO();
    await runAction(async () => {
      throw new UserError('Input "fail-on" has an invalid value');
    }, io);
    expect(process.exitCode).toBe(1);
    expect(io.annotations).toEqual([{ level: "error", message: 'Input "fail-on" has an invalid value' }]);
  });

  it("fails with the stack for anything else, since it is a bug", async () => {
    const io = quietIO();
    await runAction(async () => {
      throw new TypeError("x is undefined");
    }, io);
    expect(process.exitCode).toBe(1);
    const message = io.annotations[0]?.message ?? "";
    expect(message).toMatch(/^TypeError: x is undefined\n\s+at /);
    expect(message).toContain("entry.test.ts");
  });

  it("masks secrets in the failure message", async () => {
    const io = quietIO();
    await runAction(async (x) => {
      x.setSecret("ghp_token");
      throw new UserError("bad credentials ghp_token");
    }, io);
    expect(io.annotations[0]?.message).toBe("bad credentials ***");
  });
});
