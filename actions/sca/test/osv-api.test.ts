import { readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { afterEach, describe, expect, it } from "vitest";
import { matchOnline } from "../src/advisories.ts";
import type { Package } from "../src/model.ts";
import { queryOsvApi } from "../src/osv/api-client.ts";
import type { OsvRecord } from "../src/osv/types.ts";
import { purl } from "../src/purl.ts";
import { advisory, FIXTURES } from "./helpers.ts";
import { type OsvServer, startOsvServer } from "./osv-server.ts";

const FAST = { backoffMs: 1, timeoutMs: 5_000 };
let server: OsvServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function pkg(ecosystem: Package["ecosystem"], name: string, version: string): Package {
  return {
    ecosystem,
    name,
    version,
    purl: purl(ecosystem, name, version),
    relation: "direct",
    scope: "runtime",
    lockfile: "package-lock.json",
    line: 1,
    dependencyPath: [name],
  };
}

async function records() {
  return Promise.all(
    ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw", "GHSA-xvch-5gv4-984h", "GHSA-j8r2-6x86-q33q"].map(
      advisory,
    ),
  );
}

describe("OSV API client", () => {
  it("asks for Go releases in the semver the Go database writes (go 1.19 is 1.19.0)", async () => {
    const goAdvisories = await Promise.all(
      ["GO-2022-0969", "GO-2022-1059"].map(
        async (id) =>
          JSON.parse(await readFile(path.join(FIXTURES, "osv-go", `${id}.json`), "utf8")) as OsvRecord,
      ),
    );
    server = await startOsvServer({ records: goAdvisories });
    const packages = [
      pkg("Go", "stdlib", "1.19"),
      pkg("Go", "stdlib", "1.19rc2"),
      pkg("Go", "golang.org/x/text", "v0.3.7"),
    ];
    const answer = await queryOsvApi(packages, { baseUrl: server.url, ...FAST });
    const post = server.requests.find((r) => r.method === "POST");
    expect((post?.body as { queries: { version: string }[] }).queries.map((q) => q.version)).toEqual([
      "1.19.0",
      "1.19.0-rc.2",
      "0.3.7",
    ]);
    expect(answer.ids).toEqual([["GO-2022-0969"], ["GO-2022-0969"], ["GO-2022-1059"]]);
  });

  it("asks querybatch, follows page tokens, then fetches each advisory once", async () => {
    server = await startOsvServer({ records: await records(), pageSize: 1 });
    const packages = [
      pkg("npm", "lodash", "4.17.15"),
      pkg("npm", "lodash-es", "4.17.15"),
      pkg("PyPI", "requests", "2.28.2"),
      pkg("npm", "left-pad", "1.3.0"),
    ];
    const answer = await queryOsvApi(packages, { baseUrl: server.url, ...FAST });
    expect(answer.ids.map((ids) => ids.sort())).toEqual([
      ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw"],
      ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw"],
      ["GHSA-j8r2-6x86-q33q"],
      [],
    ]);
    const posts = server.requests.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(2); // the second page for the two lodash queries
    expect(
      (posts[1]?.body as { queries: { page_token?: string }[] }).queries.map((q) => q.page_token),
    ).toEqual(["1", "1"]);
    const gets = server.requests
      .filter((r) => r.method === "GET")
      .map((r) => r.path)
      .sort();
    expect(gets).toEqual([
      "/v1/vulns/GHSA-35jh-r3h4-6jhm",
      "/v1/vulns/GHSA-j8r2-6x86-q33q",
      "/v1/vulns/GHSA-p6mc-m468-83gw",
    ]);
    expect(answer.records.get("GHSA-j8r2-6x86-q33q")?.summary).toMatch(/Proxy-Authorization/);
  });

  it("splits the packages into batches", async () => {
    server = await startOsvServer({ records: await records() });
    const packages = Array.from({ length: 5 }, (_, i) => pkg("npm", "minimist", `1.2.${i}`));
    const answer = await queryOsvApi(packages, { baseUrl: server.url, batchSize: 2, ...FAST });
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(3);
    expect(answer.ids.every((ids) => ids[0] === "GHSA-xvch-5gv4-984h")).toBe(true);
  });

  it("retries 503, 429 and non-JSON answers with backoff", async () => {
    server = await startOsvServer({
      records: await records(),
      failures: [
        { path: "/v1/querybatch", times: 2, status: 503 },
        { path: "/v1/vulns", times: 1, status: 429 },
        { path: "/v1/vulns", times: 1, status: 200 },
      ],
    });
    const answer = await queryOsvApi([pkg("npm", "minimist", "1.2.5")], { baseUrl: server.url, ...FAST });
    expect(answer.ids).toEqual([["GHSA-xvch-5gv4-984h"]]);
    expect(answer.records.has("GHSA-xvch-5gv4-984h")).toBe(true);
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(3);
    expect(server.requests.filter((r) => r.method === "GET")).toHaveLength(3);
  });

  it("gives up after its retries with a clear error when nothing can be queried", async () => {
    server = await startOsvServer({
      records: [],
      failures: [{ path: "/v1/querybatch", times: 99, status: 200 }],
    });
    const attempt = queryOsvApi([pkg("npm", "lodash", "4.17.15")], {
      baseUrl: server.url,
      retries: 2,
      ...FAST,
    });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(
      queryOsvApi([pkg("npm", "lodash", "4.17.15")], { baseUrl: server.url, retries: 2, ...FAST }),
    ).rejects.toThrow(
      /OSV API at http:\/\/127\.0\.0\.1:\d+\/ could not be queried: POST .*querybatch: the answer is not JSON \(<html>.*osv-db/,
    );
  });

  it("says so when the API cannot be reached at all", async () => {
    const closed = await startOsvServer({ records: [] });
    await closed.close();
    await expect(
      queryOsvApi([pkg("npm", "lodash", "4.17.15")], { baseUrl: closed.url, retries: 1, ...FAST }),
    ).rejects.toThrow(/could not be queried: POST .*ECONNREFUSED/);
  });

  it("does not retry a 400 and reports its body", async () => {
    server = await startOsvServer({
      records: [],
      failures: [{ path: "/v1/querybatch", times: 1, status: 400 }],
    });
    await expect(
      queryOsvApi([pkg("npm", "lodash", "4.17.15")], { baseUrl: server.url, ...FAST }),
    ).rejects.toThrow(/HTTP 400/);
    expect(server.requests).toHaveLength(1);
  });

  it("keeps a match whose advisory cannot be fetched, and lists it as missing details", async () => {
    server = await startOsvServer({ records: await records(), missing: ["GHSA-p6mc-m468-83gw"] });
    const result = await matchOnline([pkg("npm", "lodash", "4.17.15")], { baseUrl: server.url, ...FAST });
    expect(result.matches[0]?.map((r) => r.id).sort()).toEqual([
      "GHSA-35jh-r3h4-6jhm",
      "GHSA-p6mc-m468-83gw",
    ]);
    expect(result.matches[0]?.find((r) => r.id === "GHSA-p6mc-m468-83gw")).toEqual({
      id: "GHSA-p6mc-m468-83gw",
    });
    expect([...result.missing]).toEqual(["GHSA-p6mc-m468-83gw"]);
    expect(result.skipped).toEqual([
      {
        subject: "advisory GHSA-p6mc-m468-83gw",
        reason: expect.stringMatching(/details unavailable \(GET .*HTTP 404/),
        ecosystem: "npm",
      },
    ]);
  });

  it("sends a mirror's credentials as a header and never shows them", async () => {
    const expected = `Basic ${Buffer.from("ci:s3cret pass").toString("base64")}`;
    server = await startOsvServer({ records: await records(), authorization: expected });
    const url = new URL(server.url);
    url.username = "ci";
    url.password = "s3cret pass";
    const answer = await queryOsvApi([pkg("npm", "minimist", "1.2.5")], { baseUrl: url.href, ...FAST });
    expect(answer.ids).toEqual([["GHSA-xvch-5gv4-984h"]]);
    url.password = "wrong";
    const failure = queryOsvApi([pkg("npm", "minimist", "1.2.5")], { baseUrl: url.href, ...FAST });
    await expect(failure).rejects.toThrow(/HTTP 401/);
    await failure.catch((error: Error) => expect(error.message).not.toMatch(/wrong|ci:/));
  });

  it("rejects a base URL that is not http(s)", async () => {
    await expect(queryOsvApi([pkg("npm", "a", "1.0.0")], { baseUrl: "file:///etc/passwd" })).rejects.toThrow(
      /must be an http\(s\) URL/,
    );
    await expect(queryOsvApi([pkg("npm", "a", "1.0.0")], { baseUrl: "not a url" })).rejects.toThrow(
      /is not a URL/,
    );
  });
});
