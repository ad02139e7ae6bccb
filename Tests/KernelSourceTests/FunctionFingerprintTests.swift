import Testing

@testable import KernelSource

/// A fingerprint changes with the code and only with the code.
@Suite struct FunctionFingerprintTests {
  static func fingerprint(_ text: String, of name: String = "f") -> FunctionFingerprint {
    FunctionFingerprint(definitions: CSource(text: text).definitions(of: name).map(\.text))
  }

  static let original = "static int f(int x)\n{\n\treturn x + 1; /* one more */\n}\n"

  @Test(arguments: [
    "static int f(int x) { return x + 1; }",
    "static  int\nf( int x )\n{\n    // a new comment\n    return x+1;\n}\n",
    "/* moved */\nstatic int f(int x)\n{\n\treturn x + 1;\n}\n",
  ])
  func layoutAndCommentsDoNotChangeIt(text: String) {
    #expect(Self.fingerprint(text) == Self.fingerprint(Self.original))
  }

  @Test(arguments: [
    "static int f(int x) { return x + 2; }",
    "static long f(int x) { return x + 1; }",
    "static int f(int y) { return y + 1; }",
    "static int f(int x) { return x + 1; return 0; }",
  ])
  func codeChangesChangeIt(text: String) {
    #expect(Self.fingerprint(text) != Self.fingerprint(Self.original))
  }

  @Test func wordsStaySeparated() {
    let normalised = FunctionFingerprint.normalised("unsigned  long\n x = a  + b ;")
    #expect(normalised == Array("unsigned long x=a+b;".utf8))
  }

  @Test func printsAndParsesSixteenHexDigits() {
    let f = FunctionFingerprint(value: 0xab)
    #expect(f.description == "00000000000000ab")
    #expect(FunctionFingerprint(hex: f.description) == f)
    #expect(FunctionFingerprint(hex: "ab") == nil)
    #expect(FunctionFingerprint(hex: "zz00000000000000") == nil)
  }

  @Test func theEmptyDefinitionListHasTheOffsetBasis() {
    #expect(FunctionFingerprint(definitions: []).description == "cbf29ce484222325")
  }
}
