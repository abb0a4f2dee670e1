import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const OWNERS = `# Security reviews infrastructure and policy.
*                @acme/developers
/infra/          @acme/security
.github/         @acme/security @acme/platform
`;
const FILES = {
  "infra/main.tf": "x",
  "infra/app/service.tf": "x",
  "src/app.ts": "x",
  ".github/workflows/README.md": "x",
};

const diff = diffCommitsCleanedUpAfterAll();

describe("CODEOWNERS", () => {
  it("reports paths moved away from a security owner by a later rule, at that rule", async () => {
    const head = `${OWNERS}/infra/app/       @acme/app-team\n`;
    const { diff: d } = await diff(
      { ...FILES, ".github/CODEOWNERS": OWNERS },
      { ".github/CODEOWNERS": head },
    );
    expect(brief(d)).toEqual([
      "removed escalation/high @acme/security | required code-owner review | /infra/ (infra/app/service.tf)",
      "added neutral/info @acme/app-team | required code-owner review | /infra/app/ (infra/app/service.tf)",
    ]);
    expect(d.changes[0]).toMatchObject({
      file: ".github/CODEOWNERS",
      line: 5,
      side: "head",
      effect: "deny",
      after: "@acme/app-team: required code-owner review of /infra/app/ (infra/app/service.tf)",
    });
  });

  it("reports nothing for reordering that changes no file's owners, or moving the file", async () => {
    const reordered = `*   @acme/developers\n.github/ @acme/platform @acme/security\n/infra/ @acme/security\n`;
    const { diff: d } = await diff(
      { ...FILES, ".github/CODEOWNERS": OWNERS },
      { ".github/CODEOWNERS": null, CODEOWNERS: reordered },
    );
    expect(d.changes).toEqual([]);
  });

  it("uses policy.security-owners from secflow.yml; paths left without a rule are shown at the base rule", async () => {
    const config = "policy:\n  security-owners: ['@acme/platform']\n";
    const head = "/infra/ @acme/security\n";
    const { diff: d } = await diff(
      { ...FILES, ".github/CODEOWNERS": OWNERS, ".github/secflow.yml": config },
      { ".github/CODEOWNERS": head },
    );
    // .github/ holds CODEOWNERS, secflow.yml and the README.
    expect(brief(d)).toEqual([
      "removed escalation/high @acme/platform | required code-owner review | .github/ (3 files)",
      "removed neutral/info @acme/developers | required code-owner review | * (src/app.ts)",
      "removed neutral/info @acme/security | required code-owner review | .github/ (3 files)",
    ]);
    expect(d.changes[0]).toMatchObject({ side: "base", line: 4, file: ".github/CODEOWNERS" });
    expect(d.changes[0]?.after).toBeUndefined();
  });

  it("names the line of an owner that is not one", async () => {
    const { diff: d } = await diff(
      { ...FILES, ".github/CODEOWNERS": OWNERS },
      { ".github/CODEOWNERS": `${OWNERS}/docs/ security-team\n` },
    );
    expect(d.unreadable).toEqual([
      {
        file: ".github/CODEOWNERS",
        ref: "head",
        reason: 'line 5: "security-team" is not an owner: write @user, @org/team or an email address',
      },
    ]);
    expect(d.changes).toEqual([]);
  });
});
