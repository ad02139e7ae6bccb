import Testing

@testable import Spec

/// Every kind of mistake has its own message at an exact position.
@Suite struct DiagnosticTests {
  static func firstError(_ source: String) -> Diagnostic? {
    do {
      _ = try LoadedSpec.load(source: source, file: "test.ept")
      return nil
    } catch {
      return error.errors.first
    }
  }

  @Test func enoughCases() {
    #expect(DiagnosticCases.cases.count >= 40)
    #expect(Set(DiagnosticCases.cases.map(\.expected)).count == DiagnosticCases.cases.count)
  }

  @Test(arguments: DiagnosticCases.cases.indices)
  func malformedInput(_ index: Int) {
    let (source, expected) = DiagnosticCases.cases[index]
    guard let diagnostic = Self.firstError(source) else {
      Issue.record("case \(index) loaded without errors: \(source)")
      return
    }
    let got = "\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.message)"
    #expect(got == expected, "case \(index)")
    #expect(diagnostic.location.file == "test.ept")
  }
}
