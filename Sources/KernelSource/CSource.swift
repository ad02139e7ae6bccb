/// A C file read for its function definitions, the way a person skims it: comments gone, string
/// and character literals and preprocessor lines ignored while looking for the definition.
///
/// This is no C parser. It finds `name(...) {` at file scope (brace depth 0), which is how every
/// function in the kernel files the model mirrors is written; a prototype (`name(...);`) or a call
/// inside another function is not a definition. A function-like macro (`#define name(...)`) is
/// one only where the file defines no function of that name: the kernel writes a few of the
/// helpers the model mirrors as macros (`tdh_do_no_vcpus` in `arch/x86/kvm/vmx/tdx.c`), and a
/// macro that merely shadows a function is not the code that runs.
public struct CSource: Sendable {
  /// The text with comments replaced by spaces (newlines kept), as bytes.
  let code: [UInt8]
  /// `code` with the contents of literals and whole preprocessor lines blanked as well.
  let scan: [UInt8]

  public init(text: String) {
    var code = Array(text.utf8)
    var scan = code
    Self.blank(code: &code, scan: &scan)
    self.code = code
    self.scan = scan
  }

  /// The definitions of `function`, in file order: each the text from its first specifier
  /// (`static`, the return type) to its closing brace, and the line it starts on.
  public func definitions(of function: String) -> [(text: String, line: Int)] {
    let functions = functionDefinitions(of: function)
    return functions.isEmpty ? macroDefinitions(of: function) : functions
  }

  /// The `#define name(...)` directives, in file order: each from its `#` to the end of its last
  /// line, with the backslash of every continued line removed (so that re-wrapping the macro
  /// only changes its layout), and the line it starts on.
  func macroDefinitions(of function: String) -> [(text: String, line: Int)] {
    let name = Array(function.utf8)
    guard !name.isEmpty else { return [] }
    var result: [(String, Int)] = []
    var i = 0
    while i < code.count {
      // `i` is at the start of a line.
      var j = i
      while j < code.count && (code[j] == 0x20 || code[j] == 0x09) { j += 1 }
      var end = j
      while end < code.count
        && !(code[end] == UInt8(ascii: "\n") && (end == 0 || code[end - 1] != UInt8(ascii: "\\")))
      {
        end += 1
      }
      if j < code.count, code[j] == UInt8(ascii: "#") {
        var k = j + 1
        while k < end && (code[k] == 0x20 || code[k] == 0x09) { k += 1 }
        let keyword = Array("define".utf8)
        if k + keyword.count <= end, code[k..<(k + keyword.count)].elementsEqual(keyword) {
          k += keyword.count
          let afterKeyword = k
          while k < end && (code[k] == 0x20 || code[k] == 0x09) { k += 1 }
          let nameStart = k
          while k < end && Self.isIdentifierByte(code[k]) { k += 1 }
          if nameStart > afterKeyword, code[nameStart..<k].elementsEqual(name),
            k < end, code[k] == UInt8(ascii: "(")
          {
            var text: [UInt8] = []
            var m = j
            while m < end {
              if code[m] == UInt8(ascii: "\\"), m + 1 < end, code[m + 1] == UInt8(ascii: "\n") {
                m += 1
                continue
              }
              text.append(code[m])
              m += 1
            }
            result.append((String(decoding: text, as: UTF8.self), line(of: j)))
          }
        }
      }
      i = end + 1
    }
    return result
  }

  private func functionDefinitions(of function: String) -> [(text: String, line: Int)] {
    let name = Array(function.utf8)
    guard !name.isEmpty else { return [] }
    var result: [(String, Int)] = []
    var depth = 0
    var i = 0
    var lastTerminator = -1
    while i < scan.count {
      let c = scan[i]
      if c == UInt8(ascii: "{") {
        depth += 1
      } else if c == UInt8(ascii: "}") {
        depth = max(0, depth - 1)
        if depth == 0 { lastTerminator = i }
      } else if c == UInt8(ascii: ";") && depth == 0 {
        lastTerminator = i
      } else if depth == 0 && Self.isIdentifierStart(c) {
        let start = i
        while i < scan.count && Self.isIdentifierByte(scan[i]) { i += 1 }
        if scan[start..<i].elementsEqual(name), let end = bodyEnd(afterName: i) {
          let from = firstCode(after: lastTerminator)
          let text = String(decoding: code[from...end], as: UTF8.self)
          result.append((text, line(of: from)))
          lastTerminator = end
          i = end + 1
        }
        continue
      }
      i += 1
    }
    return result
  }

  /// The index of the closing brace of the body that follows `name` at `at`, when `name(...)`
  /// there starts a definition; nil for a prototype, a declaration or anything else.
  private func bodyEnd(afterName at: Int) -> Int? {
    var i = skipSpace(at)
    guard i < scan.count, scan[i] == UInt8(ascii: "(") else { return nil }
    guard let close = matching(from: i, open: "(", close: ")") else { return nil }
    i = skipSpace(close + 1)
    // Annotations between the parameters and the body: `__releases(x)`, `__must_hold(x)`.
    while i < scan.count, Self.isIdentifierStart(scan[i]) {
      while i < scan.count && Self.isIdentifierByte(scan[i]) { i += 1 }
      i = skipSpace(i)
      if i < scan.count, scan[i] == UInt8(ascii: "("),
        let annotationEnd = matching(from: i, open: "(", close: ")")
      {
        i = skipSpace(annotationEnd + 1)
      }
    }
    guard i < scan.count, scan[i] == UInt8(ascii: "{") else { return nil }
    return matching(from: i, open: "{", close: "}")
  }

  private func matching(from: Int, open: Character, close: Character) -> Int? {
    let o = open.asciiValue!
    let c = close.asciiValue!
    var depth = 0
    var i = from
    while i < scan.count {
      if scan[i] == o { depth += 1 }
      if scan[i] == c {
        depth -= 1
        if depth == 0 { return i }
      }
      i += 1
    }
    return nil
  }

  private func skipSpace(_ from: Int) -> Int {
    var i = from
    while i < scan.count && Self.isSpace(scan[i]) { i += 1 }
    return i
  }

  private func firstCode(after terminator: Int) -> Int { skipSpace(terminator + 1) }

  private func line(of offset: Int) -> Int {
    1 + code[..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
  }

  static func isSpace(_ c: UInt8) -> Bool {
    c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C
  }
  static func isIdentifierStart(_ c: UInt8) -> Bool {
    (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
  }
  static func isIdentifierByte(_ c: UInt8) -> Bool {
    isIdentifierStart(c) || (c >= 0x30 && c <= 0x39)
  }

  /// Blanks comments in both texts, then literal contents and preprocessor lines in `scan`.
  private static func blank(code: inout [UInt8], scan: inout [UInt8]) {
    blankComments(&code)
    scan = code
    let n = code.count
    var i = 0
    var lineStart = true
    while i < n {
      let c = code[i]
      if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
        let end = literalEnd(code, from: i)
        for k in (i + 1)..<min(end, n) { scan[k] = 0x20 }
        i = end + 1
        lineStart = false
        continue
      }
      if c == UInt8(ascii: "#") && lineStart {
        // A directive runs to the end of the line, and on over backslash continuations.
        while i < n {
          if code[i] == UInt8(ascii: "\n") && (i == 0 || code[i - 1] != UInt8(ascii: "\\")) {
            break
          }
          if code[i] != UInt8(ascii: "\n") { scan[i] = 0x20 }
          i += 1
        }
        continue
      }
      if c == UInt8(ascii: "\n") {
        lineStart = true
      } else if !isSpace(c) {
        lineStart = false
      }
      i += 1
    }
  }

  /// Replaces `//` and `/* */` comments by spaces, keeping newlines and literals.
  private static func blankComments(_ code: inout [UInt8]) {
    let n = code.count
    var i = 0
    while i < n {
      let c = code[i]
      if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
        i = literalEnd(code, from: i) + 1
        continue
      }
      guard c == UInt8(ascii: "/"), i + 1 < n else {
        i += 1
        continue
      }
      if code[i + 1] == UInt8(ascii: "/") {
        while i < n && code[i] != UInt8(ascii: "\n") {
          code[i] = 0x20
          i += 1
        }
      } else if code[i + 1] == UInt8(ascii: "*") {
        var j = i + 2
        while j + 1 < n && !(code[j] == UInt8(ascii: "*") && code[j + 1] == UInt8(ascii: "/")) {
          j += 1
        }
        let end = min(j + 2, n)
        for k in i..<end where code[k] != UInt8(ascii: "\n") { code[k] = 0x20 }
        i = end
      } else {
        i += 1
      }
    }
  }

  /// The index of the quote that closes the literal opened at `from` (or the line's end).
  private static func literalEnd(_ code: [UInt8], from: Int) -> Int {
    let quote = code[from]
    var j = from + 1
    while j < code.count && code[j] != quote && code[j] != UInt8(ascii: "\n") {
      if code[j] == UInt8(ascii: "\\") { j += 1 }
      j += 1
    }
    return min(j, code.count)
  }
}
