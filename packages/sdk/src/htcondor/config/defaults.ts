/**
 * A few of HTCondor's built-in parameter defaults (param_info.in; `condor_config_val -v NAME` shows them as
 * `at: <Default>` in the provisioned 23.9.6 rootfs). The parser falls back to these when a knob is not defined, as
 * HTCondor does, so that `DAEMON_LIST = $(DAEMON_LIST) STARTD` (what `use ROLE : Execute` writes) reads back as
 * `MASTER STARTD`, and `COLLECTOR_HOST` follows `CONDOR_HOST`.
 *
 * The list is deliberately short: only knobs the generator writes or refers to. Values that depend on the machine
 * (FULL_HOSTNAME, IP_ADDRESS, DETECTED_CPUS ...) are not here; pass them in `ParseConfigOptions.defaults` when a
 * comparison needs them.
 */
export const PARAM_DEFAULTS: Readonly<Record<string, string>> = {
  DAEMON_LIST: "MASTER",
  USE_SHARED_PORT: "true",
  COLLECTOR_HOST: "$(CONDOR_HOST)",
  COLLECTOR_PORT: "9618",
  SHARED_PORT_PORT: "$(COLLECTOR_PORT)",
  TRUST_DOMAIN: "$(UID_DOMAIN)",
  UID_DOMAIN: "$(FULL_HOSTNAME)",
  SEC_PASSWORD_DIRECTORY: "$(ETC)/passwords.d",
  SEC_PASSWORD_FILE: "$(SEC_PASSWORD_DIRECTORY)/POOL",
  SEC_TOKEN_SYSTEM_DIRECTORY: "$(ETC)/tokens.d",
  SEC_DEFAULT_AUTHENTICATION_METHODS: "FS,IDTOKENS,KERBEROS,SCITOKENS,SSL",
  NUM_CPUS: "$(DETECTED_CPUS_LIMIT)",
  PRIVATE_NETWORK_NAME: "$(FULL_HOSTNAME)",
  NETWORK_INTERFACE: "*",
  NO_DNS: "false",
  ENABLE_KERNEL_TUNING: "true",
  MOUNT_UNDER_SCRATCH: '"/tmp,/var/tmp"',
  LOCAL_CONFIG_DIR_EXCLUDE_REGEXP:
    "^((\\..*)|(.*\\.pl)|(.*\\.py)|(.*\\.sh)|(.*~)|(#.*)|(.*\\.rpmsave)|(.*\\.rpmnew)|(.*\\.dpkg-old)|(.*\\.dpkg-dist)|(.*\\.cfsaved))$",
};

/** The HTCondor version the parser emulates for `if version ...` (the version in the provisioned rootfs). */
export const EMULATED_CONDOR_VERSION = "23.9.6";
