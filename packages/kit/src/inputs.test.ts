import { isUserError } from "@secflow/errors";
import { describe, expect, it } from "vitest";
import { actionInputSource, inputs, recordInputSource } from "./inputs.ts";

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error("expected an error");
}

describe("actionInputSource", () => {
  it("reads INPUT_<NAME> as @actions/core does", () => {
    const source = actionInputSource({
      "INPUT_FAIL-ON": "  high \n",
      INPUT_SARIF_FILE: "out.sarif",
      INPUT_EMPTY: "   ",
    });
    expect(source("fail-on")).toBe("high");
    expect(source("sarif file")).toBe("out.sarif");
    expect(source("empty")).toBeUndefined();
    expect(source("missing")).toBeUndefined();
  });
});

describe("recordInputSource", () => {
  it("turns CLI values into input strings", () => {
    const source = recordInputSource({
      tools: ["eslint", "bandit"],
      upload: false,
      "max-files": 50,
      blank: "",
    });
    expect(source("tools")).toBe("eslint\nbandit");
    expect(source("upload")).toBe("false");
    expect(source("max-files")).toBe("50");
    expect(source("blank")).toBeUndefined();
    expect(source("toString")).toBeUndefined();
  });
});

describe("inputs", () => {
  const read = inputs(
    recordInputSource({
      name: "payments",
      yes: "True",
      maybe: "yes",
      list: " a, b\n\nc ,,\n d ",
      level: "high",
      bad: "hgih",
      count: "50",
      negative: "-2",
      text: "12abc",
    }),
  );

  it("reads strings with and without a default", () => {
    expect(read.string("name")).toBe("payments");
    expect(read.string("absent")).toBeUndefined();
    expect(read.string("absent", "x")).toBe("x");
    expect(read.required("name")).toBe("payments");
    const error = thrown(() => read.required("token"));
    expect(isUserError(error)).toBe(true);
    expect(error.message).toBe(
      'Input "token" is required: give it a value (with: token: … in the workflow, --token … on the command line).',
    );
  });

  it("reads YAML 1.2 core booleans only", () => {
    expect(read.boolean("yes", false)).toBe(true);
    expect(read.boolean("absent", true)).toBe(true);
    const error = thrown(() => read.boolean("maybe", false));
    expect(isUserError(error)).toBe(true);
    expect(error.message).toBe(
      'Input "maybe" has an invalid value "yes": write one of true, True, TRUE, false, False, FALSE.',
    );
  });

  it("splits lists on commas and newlines", () => {
    expect(read.list("list")).toEqual(["a", "b", "c", "d"]);
    expect(read.list("absent")).toEqual([]);
    expect(read.list("absent", ["x"])).toEqual(["x"]);
  });

  it("accepts only the allowed values of an enumeration", () => {
    const levels = ["critical", "high", "medium"] as const;
    expect(read.enumOf("level", levels, "medium")).toBe("high");
    expect(read.enumOf("absent", levels, "medium")).toBe("medium");
    const error = thrown(() => read.enumOf("bad", levels, "medium"));
    expect(isUserError(error)).toBe(true);
    expect(error.message).toBe(
      'Input "bad" has an invalid value "hgih": write one of critical, high, medium.',
    );
  });

  it("reads numbers within bounds", () => {
    expect(read.number("count", 1)).toBe(50);
    expect(read.number("absent", 7)).toBe(7);
    expect(thrown(() => read.number("text", 1)).message).toBe(
      'Input "text" has an invalid value "12abc": write a number.',
    );
    expect(thrown(() => read.number("negative", 1, { min: 0 })).message).toBe(
      'Input "negative" has an invalid value "-2": write a number of at least 0.',
    );
    expect(isUserError(thrown(() => read.number("count", 1, { min: 1, max: 10 })))).toBe(true);
    expect(thrown(() => read.number("count", 1, { min: 1, max: 10 })).message).toContain("from 1 to 10");
  });
});
