// @ts-check
import js from "@eslint/js";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/** Layers of STYLE.md §3: arrows point down, `lib` is used by all and uses nothing. */
const zones = [
  { target: "./src/lib", from: "./src", except: ["./lib"], message: "lib/ uses nothing else" },
  {
    target: "./src/pki",
    from: [
      "./src/http",
      "./src/services",
      "./src/store",
      "./src/jobs",
      "./src/keys",
      "./src/app",
      "./src/config",
    ],
    message: "pki/ is pure: no HTTP, services, storage, keys or config",
  },
  {
    target: "./src/keys",
    from: ["./src/http", "./src/services", "./src/store", "./src/jobs", "./src/app"],
    message: "keys/ sits below services",
  },
  {
    target: "./src/store",
    from: ["./src/http", "./src/services", "./src/jobs", "./src/app", "./src/keys", "./src/pki"],
    message: "store/ sits below services",
  },
  {
    target: "./src/jobs",
    from: ["./src/http", "./src/services", "./src/app"],
    message: "jobs/ sits below services",
  },
  {
    target: "./src/services",
    from: ["./src/http", "./src/app"],
    message: "services never see HTTP",
  },
  {
    target: "./src/http",
    from: ["./src/store", "./src/jobs"],
    message: "routes call services, never the store",
  },
  {
    target: "./src/store/migrations",
    from: "./src",
    except: ["./store/migrations"],
    message: "migrations are frozen in time: no app imports",
  },
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/", "coverage/", "web/dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: { "import-x/resolver": { typescript: true, node: true } },
    rules: {
      "import-x/no-restricted-paths": ["error", { zones }],
      "import-x/no-cycle": ["error", { maxDepth: 10 }],
      "import-x/order": [
        "error",
        { "newlines-between": "always", alphabetize: { order: "asc", caseInsensitive: true } },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "no-console": "error",
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/http/**", "src/app/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["fastify", "@fastify/*"], message: "fastify lives in http/ and app/ only" },
          ],
        },
      ],
    },
  },
  {
    files: [
      "src/services/**/*.ts",
      "src/http/**/*.ts",
      "src/pki/**/*.ts",
      "src/keys/**/*.ts",
      "src/lib/**/*.ts",
      "src/config/**/*.ts",
    ],
    ignores: ["src/**/*.repo.ts", "src/**/*.table.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["fastify", "@fastify/*"], message: "fastify lives in http/ and app/ only" },
            { group: ["kysely"], message: "kysely lives in store/ and *.repo.ts only" },
          ],
        },
      ],
    },
  },
  {
    files: ["src/http/**/*.ts"],
    ignores: ["src/**/*.repo.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["kysely"], message: "kysely lives in store/ and *.repo.ts only" }] },
      ],
    },
  },
  {
    files: ["src/pki/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            "node:fs",
            "node:fs/promises",
            "node:net",
            "node:http",
            "node:https",
            "node:tls",
            "node:dgram",
            "fs",
            "net",
          ].map((name) => ({ name, message: "pki/ is pure: no I/O" })),
          patterns: [{ group: ["fastify", "@fastify/*", "kysely"], message: "pki/ is pure" }],
        },
      ],
    },
  },
  {
    files: ["src/main.ts", "test/**/*.ts", "bench/**/*", "scripts/**/*"],
    rules: { "no-console": "off" },
  },
  {
    files: ["test/**/*.ts", "src/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
