// The .ept language and the EPT/TDX semantics.
