/**
 * HTCondor configuration for bsaas: the per-role model and generator (a configuration file, or `_CONDOR_*`
 * environment variables for containers), a parser that reads configuration the way HTCondor 23.9.6 does, and
 * IDTOKENS minted and verified by the SDK itself.
 *
 * @example
 * const signingKey = createSigningKey();
 * const token = mintToken({ signingKey, issuer: "pool.example", subject: "exec1@pool.example",
 *   authorizations: roleAuthorizations("execute") });
 * const input = { role: "execute", centralManager: "cm.example:9618", name: "exec1",
 *   security: { mode: "idtokens", trustDomain: "pool.example", token } } as const;
 * renderCondorConfig(input);   // the file, without any secret
 * secretFiles(input);          // [{ path: "/etc/condor/tokens.d/bsaas", content: token, mode: 0o600, ... }]
 */
export { PARAM_DEFAULTS } from "./defaults.js";
export {
  CondorConfigExpansionError,
  CondorConfigInputError,
  CondorConfigSyntaxError,
  CondorSigningKeyError,
  CondorTokenError,
  type ConfigInputIssue,
} from "./errors.js";
export { directoryLister, fileReader } from "./files.js";
export {
  expandMetaArgs,
  findMetaknob,
  METAKNOB_TEMPLATES,
  type MetaknobTemplate,
} from "./metaknobs.js";
export {
  type CentralManagerAddress,
  CONDOR_ROLES,
  type CondorConfigInput,
  CondorConfigInputSchema,
  type CondorConfigResolved,
  type CondorRole,
  CondorRoleSchema,
  type CondorSecurity,
  DEFAULT_MAX_JOB_RETIREMENT_SECONDS,
  parseCondorConfigInput,
} from "./model.js";
export {
  type CondorConfig,
  type ConfigContext,
  type ConfigDefinition,
  type ConfigWarning,
  type ParseConfigOptions,
  parseCondorConfig,
} from "./parser.js";
export {
  buildConfigPlan,
  type ConfigPlanItem,
  condorEnvironment,
  renderCondorConfig,
  renderConfigPlan,
  type SecretDirectories,
  secretDirectories,
  trustDomainOf,
} from "./render.js";
export { type SecretFile, secretFiles, type WriteSecretFilesOptions, writeSecretFiles } from "./secrets.js";
export {
  createSigningKey,
  decodeToken,
  deriveTokenKey,
  type MintTokenOptions,
  mintToken,
  readSigningKeyFile,
  roleAuthorizations,
  scrambleBytes,
  signingKeyFileBytes,
  signingKeyFromPoolPassword,
  TOKEN_AUTHORIZATIONS,
  type TokenAuthorization,
  type TokenClaims,
  type TokenRole,
  type VerifyTokenOptions,
  verifyToken,
} from "./tokens.js";
