// baseline <SARIF file>: the findings of an earlier run (secflow sca's own output, say from the
// default branch) mark this run's new, unchanged or updated. @secflow/sarif's applyBaseline pairs
// results by run category, rule, file and flagged code; a dependency has no code, so it stands
// for the dependency instead: the package and the package that brings it in (its parent on the
// dependency path), so a vulnerable copy added beside an existing one is still new. The installed
// version tells unchanged from updated, as in a comparison with the base commit.

import { InputError, isUserError } from "@secflow/errors";
import { applyBaseline, readSarifFile, type Sarif } from "@secflow/sarif";

/** Sets baselineState on every result of `log`; a warning when no run of the file lines up. */
export async function compareWithEarlierRun(
  log: Sarif.Log,
  file: string,
  shown: string,
): Promise<{ warning?: string }> {
  const earlier = await readEarlierRun(file, shown);
  const head = asDependencies(log);
  applyBaseline(asDependencies(earlier), head);
  head.runs.forEach((run, i) => {
    const results = log.runs[i]?.results ?? [];
    run.results?.forEach((result, j) => {
      const target = results[j];
      if (target && result.baselineState) target.baselineState = result.baselineState;
    });
    setDiffMode(log.runs[i]);
  });
  const categories = new Set(earlier.runs.map((run) => run.automationDetails?.id));
  const lined = log.runs.filter((run) => categories.has(run.automationDetails?.id));
  if (log.runs.length > 0 && lined.length === 0) {
    return {
      warning: `No run of ${shown} has a category of this scan (${log.runs.map((r) => r.automationDetails?.id).join(", ")}), so every finding counts as new; give the SARIF file of an earlier secflow sca run of this folder.`,
    };
  }
  return {};
}

async function readEarlierRun(file: string, shown: string): Promise<Sarif.Log> {
  try {
    return await readSarifFile(file);
  } catch (error) {
    if (!isUserError(error)) throw error;
    throw new InputError(
      `Input "baseline": ${shown} is not an earlier run to compare with (${error.message.replace(`${file}: `, "")}). Write auto, ref, none or the path of an earlier SARIF file; to compare with a git ref, give it as the base input.`,
      { cause: error },
    );
  }
}

/**
 * A copy of the log in which each dependency result's flagged code is its package and parent,
 * and its message the installed version: what applyBaseline then compares. Other results stay
 * as they are.
 */
function asDependencies(log: Sarif.Log): Sarif.Log {
  return {
    ...log,
    runs: log.runs.map((run) => ({ ...run, results: (run.results ?? []).map(asDependency) })),
  };
}

function asDependency(result: Sarif.Result): Sarif.Result {
  const secflow = (result.properties?.secflow ?? {}) as {
    package?: unknown;
    installedVersion?: unknown;
    dependencyPath?: unknown;
  };
  const location = result.locations?.[0]?.physicalLocation;
  if (typeof secflow.package !== "string" || !location) return { ...result };
  const path = Array.isArray(secflow.dependencyPath) ? secflow.dependencyPath : [];
  const parent = path.length > 1 ? String(path[path.length - 2]) : "(project)";
  return {
    ...result,
    message: { text: String(secflow.installedVersion ?? "") },
    locations: [
      {
        physicalLocation: {
          ...location,
          region: {
            ...location.region,
            startLine: location.region?.startLine ?? 1,
            snippet: { text: `${secflow.package} via ${parent}` },
          },
        },
      },
    ],
  };
}

function setDiffMode(run: Sarif.Run | undefined): void {
  const secflow = run?.properties?.secflow as { mode?: string } | undefined;
  if (secflow) secflow.mode = "diff";
}
