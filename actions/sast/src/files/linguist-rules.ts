// GitHub Linguist's rules for vendored and generated files, as GitHub applies them to language
// statistics and diffs: lib/linguist/vendor.yml and the path rules of lib/linguist/generated.rb
// from Linguist v9.6.0 (commit 1d7ac7ed569bd6edef5d0cfc73feea2573cb0e03), MIT License,
// Copyright (c) 2017 GitHub, Inc. Copied rather than depended on: the npm ports (linguist-js)
// fetch these files from the network at run time and need Node 26; the rules are 200 lines.
// Three folder rules are not taken (NOT_TAKEN below).
// The content rules of generated.rb are in linguist-content.ts.

/** vendor.yml, one rule a line in its order, less the minified-name rule (MINIFIED_NAME below). */
const VENDOR_YML: readonly string[] = String.raw`
(^|/)cache/
^[Dd]ependencies/
(^|/)dist/
^deps/
(^|/)configure$
(^|/)config\.guess$
(^|/)config\.sub$
(^|/)aclocal\.m4
(^|/)libtool\.m4
(^|/)ltoptions\.m4
(^|/)ltsugar\.m4
(^|/)ltversion\.m4
(^|/)lt~obsolete\.m4
(^|/)dotnet-install\.(ps1|sh)$
(^|/)cpplint\.py
(^|/)node_modules/
(^|/)\.yarn/releases/
(^|/)\.yarn/plugins/
(^|/)\.yarn/sdks/
(^|/)\.yarn/versions/
(^|/)\.yarn/unplugged/
(^|/)_esy$
(^|/)bower_components/
^rebar$
(^|/)erlang\.mk
(^|/)Godeps/_workspace/
(^|/)testdata/
(^|/)\.indent\.pro
([^\s]*)import\.(css|less|scss|styl)$
(^|/)bootstrap([^/.]*)(\..*)?\.(js|css|less|scss|styl)$
(^|/)custom\.bootstrap([^\s]*)(js|css|less|scss|styl)$
(^|/)font-?awesome\.(css|less|scss|styl)$
(^|/)font-?awesome/.*\.(css|less|scss|styl)$
(^|/)foundation\.(css|less|scss|styl)$
(^|/)normalize\.(css|less|scss|styl)$
(^|/)skeleton\.(css|less|scss|styl)$
(^|/)[Bb]ourbon/.*\.(css|less|scss|styl)$
(^|/)animate\.(css|less|scss|styl)$
(^|/)materialize\.(css|less|scss|styl|js)$
(^|/)select2/.*\.(css|scss|js)$
(^|/)bulma\.(css|sass|scss)$
(3rd|[Tt]hird)[-_]?[Pp]arty/
(^|/)vendors?/
(^|/)[Ee]xtern(als?)?/
(^|/)[Vv]+endor/
^debian/
(^|/)run\.n$
(^|/)bootstrap-datepicker/
(^|/)jquery([^.]*)\.js$
(^|/)jquery\-\d\.\d+(\.\d+)?\.js$
(^|/)jquery\-ui(\-\d\.\d+(\.\d+)?)?(\.\w+)?\.(js|css)$
(^|/)jquery\.(ui|effects)\.([^.]*)\.(js|css)$
(^|/)jquery\.fn\.gantt\.js
(^|/)jquery\.fancybox\.(js|css)
(^|/)fuelux\.js
(^|/)jquery\.fileupload(-\w+)?\.js$
(^|/)jquery\.dataTables\.js
(^|/)bootbox\.js
(^|/)pdf\.worker\.js
(^|/)slick\.\w+.js$
(^|/)Leaflet\.Coordinates-\d+\.\d+\.\d+\.src\.js$
(^|/)leaflet\.draw-src\.js
(^|/)leaflet\.draw\.css
(^|/)Control\.FullScreen\.css
(^|/)Control\.FullScreen\.js
(^|/)leaflet\.spin\.js
(^|/)wicket-leaflet\.js
(^|/)\.sublime-project
(^|/)\.sublime-workspace
(^|/)\.vscode/
(^|/)prototype(.*)\.js$
(^|/)effects\.js$
(^|/)controls\.js$
(^|/)dragdrop\.js$
(.*?)\.d\.ts$
(^|/)mootools([^.]*)\d+\.\d+.\d+([^.]*)\.js$
(^|/)dojo\.js$
(^|/)MochiKit\.js$
(^|/)yahoo-([^.]*)\.js$
(^|/)yui([^.]*)\.js$
(^|/)ckeditor\.js$
(^|/)tiny_mce([^.]*)\.js$
(^|/)tiny_mce/(langs|plugins|themes|utils)
(^|/)ace-builds/
(^|/)fontello(.*?)\.css$
(^|/)MathJax/
(^|/)Chart\.js$
(^|/)[Cc]ode[Mm]irror/(\d+\.\d+/)?(lib|mode|theme|addon|keymap|demo)
(^|/)shBrush([^.]*)\.js$
(^|/)shCore\.js$
(^|/)shLegacy\.js$
(^|/)angular([^.]*)\.js$
(^|\/)d3(\.v\d+)?([^.]*)\.js$
(^|/)react(-[^.]*)?\.js$
(^|/)flow-typed/.*\.js$
(^|/)modernizr\-\d\.\d+(\.\d+)?\.js$
(^|/)modernizr\.custom\.\d+\.js$
(^|/)knockout-(\d+\.){3}(debug\.)?js$
(^|/)docs?/_?(build|themes?|templates?|static)/
(^|/)admin_media/
(^|/)env/
(^|/)fabfile\.py$
(^|/)waf$
(^|/)\.osx$
\.xctemplate/
\.imageset/
(^|/)Carthage/
(^|/)Sparkle/
(^|/)Crashlytics\.framework/
(^|/)Fabric\.framework/
(^|/)BuddyBuildSDK\.framework/
(^|/)Realm\.framework
(^|/)RealmSwift\.framework
(^|/)\.gitattributes$
(^|/)\.gitignore$
(^|/)\.gitmodules$
(^|/)gradlew$
(^|/)gradlew\.bat$
(^|/)gradle/wrapper/
(^|/)mvnw$
(^|/)mvnw\.cmd$
(^|/)\.mvn/wrapper/
-vsdoc\.js$
\.intellisense\.js$
(^|/)jquery([^.]*)\.validate(\.unobtrusive)?\.js$
(^|/)jquery([^.]*)\.unobtrusive\-ajax\.js$
(^|/)[Mm]icrosoft([Mm]vc)?([Aa]jax|[Vv]alidation)(\.debug)?\.js$
(^|/)[Pp]ackages\/.+\.\d+\/
(^|/)extjs/.*?\.js$
(^|/)extjs/.*?\.xml$
(^|/)extjs/.*?\.txt$
(^|/)extjs/.*?\.html$
(^|/)extjs/.*?\.properties$
(^|/)extjs/\.sencha/
(^|/)extjs/docs/
(^|/)extjs/builds/
(^|/)extjs/cmd/
(^|/)extjs/examples/
(^|/)extjs/locale/
(^|/)extjs/packages/
(^|/)extjs/plugins/
(^|/)extjs/resources/
(^|/)extjs/src/
(^|/)extjs/welcome/
(^|/)html5shiv\.js$
(^|/)[Tt]ests?/fixtures/
(^|/)[Ss]pecs?/fixtures/
(^|/)cordova([^.]*)\.js$
(^|/)cordova\-\d\.\d(\.\d)?\.js$
(^|/)foundation(\..*)?\.js$
(^|/)Vagrantfile$
(^|/)\.[Dd][Ss]_[Ss]tore$
(^|/)inst/extdata/
(^|/)octicons\.css
(^|/)sprockets-octicons\.scss
(^|/)activator$
(^|/)activator\.bat$
(^|/)proguard\.pro$
(^|/)proguard-rules\.pro$
(^|/)puphpet/
(^|/)\.google_apis/
(^|/)Jenkinsfile$
(^|/)\.gitpod\.Dockerfile$
(^|/)\.github/
(^|/)\.obsidian/
(^|/)\.teamcity/
(^|/)xvba_modules/
`
  .trim()
  .split("\n");

/** vendor.yml's rule for minified JavaScript and CSS; sast counts these files as minified. */
const MINIFIED_NAME = /(\.|-)min\.(js|css)$/;

/** The rules of generated.rb that look at the path alone (lockfiles, codegen folders, wrappers). */
const GENERATED_PATHS: readonly RegExp[] = [
  /(?:^|\/)\.idea\//,
  /(^Pods|\/Pods)\//,
  /(^|\/)Carthage\/Build\//,
  /\.designer\.(cs|vb)$/i,
  /\.feature\.cs$/i,
  /node_modules\//,
  /vendor\/((?!-)[-0-9A-Za-z]+(?<!-)\.)+(com|edu|gov|in|me|net|org|fm|io)/,
  /(Gopkg|glide)\.lock/,
  /Package\.resolved/,
  /poetry\.lock/,
  /pdm\.lock/,
  /uv\.lock/,
  /pixi\.lock/,
  /(^|\/)(\w+\.)?esy.lock$/,
  /deno\.lock/,
  /npm-shrinkwrap\.json/,
  /package-lock\.json/,
  /pnpm-lock\.yaml/,
  /(?:^|\/)bun\.lockb?$/,
  /(^|\/)\.pnp\..*$/,
  /Godeps\//,
  /composer\.lock/,
  /.\.zep\.(?:c|h|php)$/,
  /Cargo\.lock/,
  /Cargo\.toml\.orig/,
  /(^|\/)flake\.lock$/,
  /(^|\/)MODULE\.bazel\.lock$/,
  /(?:^|\/)gradlew(?:\.bat)?$/i,
  /(?:^|\/)mvnw(?:\.cmd)?$/i,
  /(?:^|\/)mise(?:\.[^/]+)?\.lock$/,
  /(?:^|\/)(Julia)?Manifest(-v\d+\.\d+)?\.toml$/,
  /Pipfile\.lock/,
  /(?:^|\/)\.terraform\.lock\.hcl$/,
  /__generated__\//,
  /_tlb\.pas$/i,
  /(?:^|\/)htmlcov\//,
  /(?:^|\/)\.sqlx\/query-[a-f\d]{64}\.json$/,
  // Source maps by name (source_map?); generated.rb also knows Xcode files by extension.
  /(\.css|\.js)\.map$/i,
  /\.(nib|xcworkspacedata|xcuserstate)$/,
];

/**
 * vendor.yml rules sast does not take. Linguist's rules are for language statistics; these
 * three folder names also hold a team's own code, which a security scan must read:
 * - `cache/`: ansible's lib/ansible/plugins/cache, Django's django/core/cache;
 * - `env/`: meant for virtualenvs (which .gitignore keeps out anyway), and NodeGoat's
 *   config/env holds the app's settings;
 * - `.github/`: the scripts workflows run, with the repository's token.
 */
const NOT_TAKEN = new Set(["(^|/)cache/", "(^|/)env/", "(^|/)\\.github/"]);

// One expression per list, as Linguist joins them (Regexp.union).
const VENDORED = new RegExp(
  VENDOR_YML.filter((rule) => !NOT_TAKEN.has(rule))
    .map((rule) => `(?:${rule})`)
    .join("|"),
);

/** Whether a repository-relative path is vendored by vendor.yml (minified names apart). */
export function isVendoredPath(file: string): boolean {
  return VENDORED.test(file);
}

/** Whether generated.rb calls a repository-relative path generated by its name alone. */
export function isGeneratedPath(file: string): boolean {
  return GENERATED_PATHS.some((rule) => rule.test(file));
}

/** Whether vendor.yml's minified-name rule matches (`*.min.js`, `*-min.css`, …). */
export function hasMinifiedName(file: string): boolean {
  return MINIFIED_NAME.test(file);
}
