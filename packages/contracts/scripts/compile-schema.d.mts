export declare const SCHEMA: URL;
export declare const GENERATED: URL;
/** The generated validator's source, as the committed file should read. */
export declare function compile(): string;
