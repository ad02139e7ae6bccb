/// One token of a `.ept` file.
struct Token: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    case identifier
    case integer
    case string
    case punct
    case annotation  // `@name`
    case end
  }

  var kind: Kind
  /// The token's text (for a string, its contents without quotes; for an integer, its digits).
  var text: String
  var value: Int64 = 0
  var line: Int
  var column: Int
  /// Byte offsets of the token in its file.
  var start: Int
  var end: Int

  func `is`(_ punct: String) -> Bool { kind == .punct && text == punct }
  func isWord(_ word: String) -> Bool { kind == .identifier && text == word }

  /// How a token is named in a message: `'x'`, `end of file`.
  var quoted: String {
    switch kind {
    case .end: return "end of file"
    case .string: return "string \"\(text)\""
    case .annotation: return "'@\(text)'"
    default: return "'\(text)'"
    }
  }
}
