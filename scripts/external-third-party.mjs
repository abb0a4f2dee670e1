/**
 * esbuild plugin: bundle our workspace packages (@secflow/*) from source, leave third-party
 * packages to load from node_modules. For tools that run inside the checkout (CLI, benchmarks).
 */
export const externalThirdParty = {
  name: "external-third-party",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@secflow/") ? undefined : { path: args.path, external: true },
    );
  },
};
