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
    // .github/ holds CODEOWNERS, secflow.yml and the README. It is left with no code owner at
    // all, so losing @acme/security there escalates too, although only @acme/platform is listed.
    expect(brief(d)).toEqual([
      "removed escalation/high @acme/platform | required code-owner review | .github/ (3 files)",
      "removed escalation/high @acme/security | required code-owner review | .github/ (3 security-sensitive files)",
      "removed neutral/info @acme/developers | required code-owner review | * (src/app.ts)",
    ]);
    expect(d.changes[0]).toMatchObject({ side: "base", line: 4, file: ".github/CODEOWNERS" });
    expect(d.changes[0]?.after).toBeUndefined();
  });

  it("skips an invalid line with a warning naming it, as GitHub does, and still compares the others", async () => {
    // Today one bad line made the whole file unreadable, so the security owner leaving /infra/
    // went unreported. GitHub skips only that line.
    const head = OWNERS.replace(
      "/infra/          @acme/security",
      "/infra/          @acme/developers",
    ).concat("/docs/ security-team\n");
    const { diff: d, io } = await diff(
      { ...FILES, ".github/CODEOWNERS": OWNERS },
      { ".github/CODEOWNERS": head },
    );
    expect(d.unreadable).toEqual([]);
    expect(brief(d)).toEqual([
      "removed escalation/high @acme/security | required code-owner review | /infra/ (2 files)",
      "added neutral/info @acme/developers | required code-owner review | /infra/ (2 files)",
    ]);
    expect(io.annotations).toContainEqual({
      level: "warning",
      message:
        '.github/CODEOWNERS line 5 at the head commit is invalid and skipped, as GitHub skips it: "security-team" is not an owner: write @user, @org/team or an email address',
      properties: { file: ".github/CODEOWNERS", startLine: 5 },
    });
    expect(io.summary).toContain("invalid lines skipped, as GitHub skips them: line 5");
  });

  it("skipping the line is what GitHub does: a rule made invalid no longer protects its paths", async () => {
    // Control: the same rule, invalid at head, is as good as gone, so the security owner's loss
    // is reported (GitHub would stop requesting their review).
    const head = OWNERS.replace("/infra/          @acme/security", "/infra/          acme-security");
    const { diff: d, io } = await diff(
      { ...FILES, ".github/CODEOWNERS": OWNERS },
      { ".github/CODEOWNERS": head },
    );
    expect(brief(d)).toContain(
      "removed escalation/high @acme/security | required code-owner review | /infra/ (2 files)",
    );
    expect(io.annotations.map((a) => a.properties?.startLine)).toEqual([3]);
  });

  it("without security-owners, leaving security-sensitive paths with no code owner is an escalation (attack: it was neutral)", async () => {
    // No secflow.yml and no owner named like a security team: the required reviewer of the
    // workflows and the policy files is simply removed.
    const owners = "/docs/ @acme/writers\n.github/ @acme/platform\n/k8s/ @acme/platform\n";
    const { diff: d } = await diff(
      {
        ".github/CODEOWNERS": owners,
        ".github/workflows/deploy.yml": "on: push\njobs: {}\n",
        "k8s/rbac.yaml": "# no objects yet\n",
        "k8s/README.md": "x",
        "docs/guide.md": "x",
      },
      { ".github/CODEOWNERS": "/docs/ @acme/writers\n" },
    );
    expect(brief(d)).toEqual([
      "removed escalation/high @acme/platform | required code-owner review | .github/ (2 security-sensitive files)",
      "removed escalation/high @acme/platform | required code-owner review | /k8s/ (k8s/rbac.yaml)",
      // Not a security-sensitive path: an ordinary ownership change.
      "removed neutral/info @acme/platform | required code-owner review | /k8s/ (k8s/README.md)",
    ]);
  });

  it("control: security-sensitive paths handed to another owner stay neutral", async () => {
    const owners = ".github/ @acme/platform\n";
    const { diff: d } = await diff(
      { ".github/CODEOWNERS": owners, ".github/workflows/deploy.yml": "on: push\njobs: {}\n" },
      { ".github/CODEOWNERS": ".github/ @acme/infra\n" },
    );
    expect(d.counts.escalations).toBe(0);
    expect(brief(d)).toEqual([
      "added neutral/info @acme/infra | required code-owner review | .github/ (2 files)",
      "removed neutral/info @acme/platform | required code-owner review | .github/ (2 files)",
    ]);
  });
});
