/** Every URL the emulator hands out, built from its one public origin. */
export class EmulatorUrls {
  constructor(readonly origin: string) {}

  get apiRoot(): string {
    return `${this.origin}/api`;
  }
  issuer(accountName: string): string {
    return `${this.origin}/id/${accountName}`;
  }
  authorize(accountName: string): string {
    return `${this.issuer(accountName)}/oauth/authorize`;
  }
  token(accountName: string): string {
    return `${this.issuer(accountName)}/oauth/token`;
  }
  jwks(accountName: string): string {
    return `${this.issuer(accountName)}/oauth/jwks`;
  }
  api(path: string): string {
    return this.apiRoot + path;
  }
}
