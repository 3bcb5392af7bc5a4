/** Where the shell sends a person whose school requires 2FA for their role (see ADR 0007), and why. */
export const ACCOUNT_PATH = '/mon-compte';
export const SECOND_FACTOR_REQUIRED_PARAM = 'double-authentification=requise';
