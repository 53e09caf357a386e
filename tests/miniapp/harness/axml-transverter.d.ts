// The package ships no types; this is the part the template checks use.
declare module '@alipay/axml-transverter' {
  export class TransformCompiler {
    constructor(
      options: { platform: 'ALIPAY' | 'WECHAT'; customMapping?: Record<string, Record<string, string>> },
      plugins?: unknown[],
    );
    /** The AXML for the platform; throws on a bad {{expression}}. */
    compile(source: string): string;
  }
}
