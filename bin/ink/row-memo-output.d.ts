type InkOutputClass = typeof import('../../node_modules/ink/build/output.js').default;
export declare function rowMemoOutput(InkOutput: InkOutputClass): InkOutputClass;
