/// Reads tokens into a `SourceFile`. Recovers from every error by skipping to a synchronising
/// token, and always consumes at least one token per failed construct, so it terminates on any
/// input.
struct Parser {
  var tokens: [Token]
  var position = 0
  let file: String
  let text: String
  let sink: DiagnosticSink
  let typeNames: Set<String>
  var depth = 0
  static let maxDepth = 200
  /// Set after an error until the parser resynchronises, so one mistake gives one message.
  var recovering = false

  static let keywords: Set<String> = [
    "if", "else", "while", "for", "do", "return", "break", "continue", "shared", "const",
    "scenario", "thread", "init", "expect", "variant", "override", "atomic", "await", "bound",
    "true", "false", "finally", "assert", "rwlock", "spinlock",
  ]

  init(text: String, file: String, sink: DiagnosticSink, typeNames: Set<String>) {
    var lexer = Lexer(text: text, file: file, sink: sink)
    self.tokens = lexer.tokenize()
    self.file = file
    self.text = text
    self.sink = sink
    self.typeNames = typeNames
  }

  struct ParseError: Error {}

  // MARK: Token helpers

  var current: Token { tokens[position] }
  func peek(_ n: Int = 1) -> Token { tokens[min(position + n, tokens.count - 1)] }
  func location(_ token: Token) -> SourceLocation {
    SourceLocation(file: file, line: token.line, column: token.column)
  }
  var here: SourceLocation { location(current) }

  @discardableResult
  mutating func advance() -> Token {
    let token = current
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  mutating func accept(_ punct: String) -> Bool {
    if current.is(punct) {
      advance()
      return true
    }
    return false
  }

  mutating func acceptWord(_ word: String) -> Bool {
    if current.isWord(word) {
      advance()
      return true
    }
    return false
  }

  mutating func fail(_ message: String, at location: SourceLocation? = nil) -> ParseError {
    if !recovering { sink.error(location ?? here, message) }
    recovering = true
    return ParseError()
  }

  mutating func expect(_ punct: String, _ context: String) throws(ParseError) {
    guard accept(punct) else {
      throw fail("expected '\(punct)' \(context), found \(current.quoted)")
    }
  }

  mutating func identifier(_ what: String) throws(ParseError) -> Token {
    guard current.kind == .identifier else {
      throw fail("expected \(what), found \(current.quoted)")
    }
    if Parser.keywords.contains(current.text) || typeNames.contains(current.text) {
      throw fail("expected \(what), found keyword '\(current.text)'")
    }
    return advance()
  }

  var atTypeName: Bool { current.kind == .identifier && typeNames.contains(current.text) }
}
