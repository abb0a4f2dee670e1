// eslint-plugin-security ships no type declarations; this is the part of its shape we use.
declare module "eslint-plugin-security" {
  import type { ESLint, Linter } from "eslint";

  const plugin: ESLint.Plugin & {
    meta: { name: string; version: string };
    configs: { recommended: { rules: Linter.RulesRecord } };
  };
  export default plugin;
}
