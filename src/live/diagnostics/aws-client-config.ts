/**
 * The configuration every AWS client of capsim gets: the region, and the
 * named profile when `--profile` gives one. Without a profile the SDK's usual
 * chain applies (environment, AWS_PROFILE, ~/.aws/config and credentials,
 * SSO, container and instance roles).
 */
export interface AwsClientOptions {
  region: string;
  /** A profile of ~/.aws/config (--profile). */
  profile?: string;
}

export function awsClientConfig(options: AwsClientOptions): { region: string; profile?: string } {
  return options.profile ? { region: options.region, profile: options.profile } : { region: options.region };
}
