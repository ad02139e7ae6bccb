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

/// Deep nesting and long chains end in a diagnostic, not a stack overflow.
@Suite struct NestingTests {
  static func rejected(_ source: String) -> [String] {
    do {
      _ = try LoadedSpec.load(source: source, file: "n.ept")
      return []
    } catch {
      return error.errors.map(\.message)
    }
  }

  @Test func deepParentheses() {
    let open = String(repeating: "(", count: 5000)
    let close = String(repeating: ")", count: 5000)
    #expect(Self.rejected("void f() { int x = \(open)1\(close); }").first == "nesting is too deep (more than 200 levels)")
  }

  @Test func longChains() {
    let chain = Array(repeating: "1", count: 5000).joined(separator: " + ")
    #expect(Self.rejected("void f() { int x = \(chain); }").first == "expression is too long (more than 200 operators in a chain)")
  }

  @Test func deepStatements() {
    let ifs = String(repeating: "if (true) ", count: 3000)
    #expect(Self.rejected("void f() { \(ifs) { } }").first == "nesting is too deep (more than 200 levels)")
    let blocks = String(repeating: "{", count: 3000) + String(repeating: "}", count: 3000)
    #expect(Self.rejected("void f() \(blocks)").first == "nesting is too deep (more than 200 levels)")
  }

  @Test func unaryTowers() {
    let bangs = String(repeating: "!", count: 5000)
    #expect(Self.rejected("void f() { int x = \(bangs)1; }").first == "nesting is too deep (more than 200 levels)")
  }

  @Test func acceptsReasonableNesting() {
    // Just under the limit: parses, compiles, folds and runs without exhausting the stack.
    let open = String(repeating: "(", count: 100)
    let close = String(repeating: ")", count: 100)
    let chain = Array(repeating: "x", count: 90).joined(separator: " + ")
    let source = "shared int x = 1;\nvoid f() { int y = \(open)\(chain)\(close); assert(y == 90); }\nscenario s { thread t = f(); expect ok; }"
    #expect(Self.rejected(source) == [])
    let deep = String(repeating: "-(", count: 99) + "1" + String(repeating: ")", count: 99)
    #expect(Self.rejected("const int K = \(deep);\nvoid f() { assert(K == -1); }\nscenario s { thread t = f(); expect ok; }") == [])
  }
}
