// A lockfile committed in the middle of a merge: git's conflict markers at the start of a line.
// Such a file says two things at once; read as either side (or as the lines a parser happens to
// accept), it would pass packages as checked that may not be what is installed.

/** The first line that is a merge-conflict marker, 1-based, and which marker; undefined if none. */
export function conflictMarker(text: string): { line: number; marker: string } | undefined {
  // <<<<<<< ours, ||||||| base (diff3), ======= and >>>>>>> theirs; seven characters, as git
  // writes them, followed by a space (and a label) or the end of the line.
  const match = /^(?:(<{7}|\|{7}|>{7})(?:[ \t].*)?|(={7}))\r?$/m.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split("\n").length;
  return { line, marker: (match[1] ?? match[2]) as string };
}
