/// Reads tokens into a `SourceFile`. Recovers from every error by skipping to a synchronising
/// token, and always consumes at least one token per failed construct, so it terminates on any
/// input.
struct Parser {
  private var tokens: [Token]
  private var position = 0
  private let file: String
  private let text: String
  private let sink: DiagnosticSink
  private let typeNames: Set<String>
  private var depth = 0
  private static let maxDepth = 200
  /// Set after an error until the parser resynchronises, so one mistake gives one message.
  private var recovering = false

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

  private var current: Token { tokens[position] }
  private func peek(_ n: Int = 1) -> Token { tokens[min(position + n, tokens.count - 1)] }
  private func location(_ token: Token) -> SourceLocation {
    SourceLocation(file: file, line: token.line, column: token.column)
  }
  private var here: SourceLocation { location(current) }

  @discardableResult
  private mutating func advance() -> Token {
    let token = current
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  private mutating func accept(_ punct: String) -> Bool {
    if current.is(punct) {
      advance()
      return true
    }
    return false
  }

  private mutating func acceptWord(_ word: String) -> Bool {
    if current.isWord(word) {
      advance()
      return true
    }
    return false
  }

  private mutating func fail(_ message: String, at location: SourceLocation? = nil) -> ParseError {
    if !recovering { sink.error(location ?? here, message) }
    recovering = true
    return ParseError()
  }

  private mutating func expect(_ punct: String, _ context: String) throws(ParseError) {
    guard accept(punct) else {
      throw fail("expected '\(punct)' \(context), found \(current.quoted)")
    }
  }

  private mutating func identifier(_ what: String) throws(ParseError) -> Token {
    guard current.kind == .identifier else {
      throw fail("expected \(what), found \(current.quoted)")
    }
    if Parser.keywords.contains(current.text) || typeNames.contains(current.text) {
      throw fail("expected \(what), found keyword '\(current.text)'")
    }
    return advance()
  }

  private var atTypeName: Bool { current.kind == .identifier && typeNames.contains(current.text) }

  // MARK: Files

  mutating func parseFile() -> SourceFile {
    var result = SourceFile(path: file, text: text, variantOf: nil)
    var first = true
    while current.kind != .end {
      let before = position
      recovering = false
      do throws(ParseError) {
        try parseTopLevel(into: &result, first: first)
      } catch {
        synchronizeTopLevel()
      }
      first = false
      if position == before { advance() }
    }
    return result
  }

  /// Skips to the start of the next top-level declaration.
  private mutating func synchronizeTopLevel() {
    var braces = 0
    while current.kind != .end {
      if current.is("{") { braces += 1 }
      if current.is("}") {
        braces -= 1
        advance()
        if braces <= 0 { return }
        continue
      }
      if braces <= 0, current.is(";") {
        advance()
        return
      }
      if braces <= 0,
        current.kind == .annotation || current.isWord("scenario")
          || current.isWord("shared") || current.isWord("override")
      {
        return
      }
      advance()
    }
  }

  private mutating func parseTopLevel(into result: inout SourceFile, first: Bool)
    throws(ParseError)
  {
    let start = current
    if start.isWord("variant") {
      advance()
      guard acceptWord("of") else {
        throw fail("expected 'of' after 'variant', found \(current.quoted)")
      }
      guard current.kind == .string else {
        throw fail("expected a quoted base path after 'variant of', found \(current.quoted)")
      }
      let path = advance()
      try expect(";", "after the variant declaration")
      if !first || result.variantOf != nil {
        sink.error(location(start), "'variant of' must be the first declaration of a file")
      } else {
        result.variantOf = (path.text, location(start))
      }
      return
    }
    if start.kind == .annotation || start.isWord("override") || atTypeName {
      var kernel: KernelReference? = nil
      var isProgress = false
      while current.kind == .annotation {
        let annotation = advance()
        if annotation.text == "progress" {
          isProgress = true
          continue
        }
        guard annotation.text == "kernel" else {
          throw fail(
            "unknown annotation '@\(annotation.text)'; expected '@kernel' or '@progress'",
            at: location(annotation))
        }
        try expect("(", "after '@kernel'")
        guard current.kind == .string else {
          throw fail("expected the kernel source file as a string, found \(current.quoted)")
        }
        let kfile = advance().text
        try expect(",", "between the kernel file and function")
        guard current.kind == .string else {
          throw fail("expected the kernel function name as a string, found \(current.quoted)")
        }
        let kfunction = advance().text
        try expect(")", "to close '@kernel'")
        kernel = KernelReference(file: kfile, function: kfunction)
      }
      let isOverride = acceptWord("override")
      guard atTypeName else {
        throw fail("expected a function's return type, found \(current.quoted)")
      }
      let type = try parseType()
      let name = try identifier("a function name")
      guard current.is("(") else {
        if current.is(";") || current.is("=") || current.is("[") {
          throw fail(
            "top-level variable '\(name.text)' must be declared 'shared' or 'const'",
            at: location(name))
        }
        throw fail("expected '(' after function name '\(name.text)', found \(current.quoted)")
      }
      advance()
      var parameters: [Parameter] = []
      if !current.is(")") {
        repeat {
          var type: TypeRef? = nil
          if atTypeName { type = try parseType() }
          if type == nil, current.kind == .identifier, peek().kind == .identifier || peek().is("*")
          {
            throw fail("unknown type '\(current.text)'")
          }
          let pname = try identifier("a parameter name")
          parameters.append(Parameter(type: type, name: pname.text, location: location(pname)))
        } while accept(",")
      }
      try expect(")", "after the parameters")
      guard current.is("{") else {
        throw fail("expected '{' to start the body of '\(name.text)', found \(current.quoted)")
      }
      let body = try parseBlock()
      result.functions.append(
        FunctionDecl(
          name: name.text, location: location(name), returnType: type, parameters: parameters,
          body: body, isOverride: isOverride, kernel: kernel, isProgress: isProgress))
      return
    }
    if start.isWord("shared") {
      advance()
      guard atTypeName || current.isWord("rwlock") || current.isWord("spinlock") else {
        throw fail("expected a type after 'shared', found \(current.quoted)")
      }
      let type: TypeRef
      if current.isWord("rwlock") || current.isWord("spinlock") {
        let t = advance()
        type = TypeRef(
          name: t.text == "rwlock" ? "rwlock_t" : "spinlock_t", isPointer: false,
          location: location(t))
      } else {
        type = try parseType()
      }
      try parseSharedTail(type: type, into: &result)
      return
    }
    if start.isWord("rwlock") || start.isWord("spinlock") {
      advance()
      let type = TypeRef(
        name: start.text == "rwlock" ? "rwlock_t" : "spinlock_t", isPointer: false,
        location: location(start))
      try parseSharedTail(type: type, into: &result)
      return
    }
    if start.isWord("const") {
      advance()
      guard atTypeName else { throw fail("expected a type after 'const', found \(current.quoted)") }
      let type = try parseType()
      let name = try identifier("a constant name")
      try expect("=", "after constant '\(name.text)'")
      let value = try parseExpression()
      try expect(";", "after the constant declaration")
      result.constants.append(
        ConstDecl(type: type, name: name.text, location: location(name), value: value))
      return
    }
    if start.isWord("scenario") {
      advance()
      result.scenarios.append(try parseScenario())
      return
    }
    if start.kind == .identifier, peek().kind == .identifier, !Parser.keywords.contains(start.text)
    {
      throw fail("unknown type '\(start.text)'")
    }
    if start.kind == .identifier, peek().is("(") {
      throw fail("function '\(start.text)' needs a return type (for example 'int' or 'void')")
    }
    throw fail(
      "expected a declaration (a function, 'shared', 'const', a lock or 'scenario'), found \(start.quoted)"
    )
  }

  private mutating func parseSharedTail(type: TypeRef, into result: inout SourceFile)
    throws(ParseError)
  {
    repeat {
      let name = try identifier("a variable name")
      var length: Expr? = nil
      if accept("[") {
        length = try parseExpression()
        try expect("]", "after the array length")
      }
      var initial: [Expr] = []
      if accept("=") {
        if accept("{") {
          if !current.is("}") {
            repeat { initial.append(try parseExpression()) } while accept(",")
          }
          try expect("}", "after the initial values")
        } else {
          initial.append(try parseExpression())
        }
      }
      result.shareds.append(
        SharedDecl(
          type: type, name: name.text, location: location(name), length: length, initial: initial))
    } while accept(",")
    try expect(";", "after the shared declaration")
  }

  private mutating func parseType() throws(ParseError) -> TypeRef {
    let token = advance()
    var isPointer = false
    if accept("*") { isPointer = true }
    if current.is("*") { throw fail("pointers to pointers are not supported") }
    return TypeRef(name: token.text, isPointer: isPointer, location: location(token))
  }

  private mutating func parseScenario() throws(ParseError) -> ScenarioDecl {
    let name = try identifier("a scenario name")
    try expect("{", "after the scenario name")
    var scenario = ScenarioDecl(
      name: name.text, location: location(name), initBlock: nil, threads: [], expectation: nil,
      expectationLocation: nil, finallyBlock: nil)
    while !current.is("}") {
      if current.kind == .end {
        throw fail("expected '}' to close scenario '\(name.text)', found end of file")
      }
      let before = position
      recovering = false
      do throws(ParseError) {
        try parseScenarioItem(&scenario)
      } catch {
        // Skip to the end of the item.
        while current.kind != .end, !current.is(";"), !current.is("}") {
          if current.is("{") { _ = try? parseBlockSkipping() } else { advance() }
        }
        _ = accept(";")
      }
      if position == before { advance() }
    }
    advance()
    return scenario
  }

  private mutating func parseBlockSkipping() throws(ParseError) {
    var braces = 0
    repeat {
      if current.is("{") { braces += 1 }
      if current.is("}") { braces -= 1 }
      advance()
    } while braces > 0 && current.kind != .end
  }

  private mutating func parseScenarioItem(_ scenario: inout ScenarioDecl) throws(ParseError) {
    let token = current
    if token.isWord("thread") {
      advance()
      let name = try identifier("a thread name")
      try expect("=", "after the thread name")
      let function = try identifier("the function the thread runs")
      try expect("(", "after '\(function.text)'")
      let arguments = try parseArguments()
      try expect(";", "after the thread declaration")
      scenario.threads.append(
        ThreadDecl(
          name: name.text, location: location(name), function: function.text,
          functionLocation: location(function), arguments: arguments))
    } else if token.isWord("init") || token.isWord("finally") {
      advance()
      guard current.is("{") else {
        throw fail("expected '{' after '\(token.text)', found \(current.quoted)")
      }
      let block = try parseBlock()
      if token.text == "init" {
        if scenario.initBlock != nil {
          sink.error(location(token), "scenario '\(scenario.name)' has more than one 'init' block")
        }
        scenario.initBlock = block
      } else {
        if scenario.finallyBlock != nil {
          sink.error(
            location(token), "scenario '\(scenario.name)' has more than one 'finally' block")
        }
        scenario.finallyBlock = block
      }
    } else if token.isWord("expect") {
      advance()
      let expectation: Expectation
      if acceptWord("ok") {
        expectation = .ok
      } else if acceptWord("violation") {
        guard current.kind == .identifier else {
          throw fail("expected a violation kind after 'expect violation', found \(current.quoted)")
        }
        var kind = advance().text
        while current.is("-"), peek().kind == .identifier {
          advance()
          kind += "-" + advance().text
        }
        expectation = .violation(kind: kind)
      } else {
        throw fail("expected 'ok' or 'violation <kind>' after 'expect', found \(current.quoted)")
      }
      try expect(";", "after the expectation")
      if scenario.expectation != nil {
        sink.error(location(token), "scenario '\(scenario.name)' has more than one 'expect'")
      }
      scenario.expectation = expectation
      scenario.expectationLocation = location(token)
    } else {
      throw fail(
        "expected 'thread', 'init', 'expect' or 'finally' in a scenario, found \(token.quoted)")
    }
  }

  private mutating func parseArguments() throws(ParseError) -> [Argument] {
    var arguments: [Argument] = []
    if !current.is(")") {
      repeat {
        var label: String? = nil
        if current.kind == .identifier, peek().is(":") {
          label = advance().text
          advance()
        }
        arguments.append(Argument(label: label, value: try parseExpression()))
      } while accept(",")
    }
    try expect(")", "after the arguments")
    return arguments
  }

  // MARK: Statements

  private mutating func parseBlock() throws(ParseError) -> Stmt {
    let open = current
    try expect("{", "to start a block")
    var statements: [Stmt] = []
    while !current.is("}") {
      if current.kind == .end {
        throw fail("expected '}' to close the block opened at line \(open.line), found end of file")
      }
      let before = position
      recovering = false
      do throws(ParseError) {
        statements.append(try parseStatement())
      } catch {
        synchronizeStatement()
        statements.append(Stmt(kind: .invalid, location: location(tokens[before])))
      }
      if position == before { advance() }
    }
    advance()
    return Stmt(kind: .block(statements), location: location(open))
  }

  private mutating func synchronizeStatement() {
    var braces = 0
    while current.kind != .end {
      if current.is("{") { braces += 1 }
      if current.is("}") {
        if braces == 0 { return }
        braces -= 1
        advance()
        if braces == 0 { return }
        continue
      }
      if current.is(";"), braces == 0 {
        advance()
        return
      }
      advance()
    }
  }

  private mutating func nested<T>(_ body: (inout Parser) throws(ParseError) -> T) throws(ParseError)
    -> T
  {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth {
      throw fail("nesting is too deep (more than \(Parser.maxDepth) levels)")
    }
    return try body(&self)
  }

  private mutating func parseStatement() throws(ParseError) -> Stmt {
    try nested { (p: inout Parser) throws(ParseError) -> Stmt in try p.parseStatementInner() }
  }

  private mutating func parseLoopBound() throws(ParseError) -> Expr? {
    guard acceptWord("bound") else { return nil }
    return try parseExpression()
  }

  private mutating func parseStatementInner() throws(ParseError) -> Stmt {
    let token = current
    let loc = here
    if token.is("{") { return try parseBlock() }
    if token.is(";") {
      advance()
      return Stmt(kind: .block([]), location: loc)
    }
    if token.kind == .identifier {
      switch token.text {
      case "if":
        advance()
        try expect("(", "after 'if'")
        let condition = try parseExpression()
        try expect(")", "after the condition")
        let then = try parseStatement()
        var otherwise: Stmt? = nil
        if acceptWord("else") { otherwise = try parseStatement() }
        return Stmt(
          kind: .ifElse(condition: condition, then: then, otherwise: otherwise), location: loc)
      case "while":
        advance()
        try expect("(", "after 'while'")
        let condition = try parseExpression()
        try expect(")", "after the condition")
        let bound = try parseLoopBound()
        let body = try parseStatement()
        return Stmt(kind: .whileLoop(condition: condition, bound: bound, body: body), location: loc)
      case "do":
        advance()
        let body = try parseStatement()
        guard acceptWord("while") else {
          throw fail("expected 'while' after the body of 'do', found \(current.quoted)")
        }
        try expect("(", "after 'while'")
        let condition = try parseExpression()
        try expect(")", "after the condition")
        let bound = try parseLoopBound()
        try expect(";", "after 'do ... while (...)'")
        return Stmt(kind: .doWhile(body: body, condition: condition, bound: bound), location: loc)
      case "for":
        advance()
        try expect("(", "after 'for'")
        var initial: Stmt? = nil
        if !current.is(";") { initial = try parseSimpleStatement() }
        try expect(";", "after the loop initialiser")
        var condition: Expr? = nil
        if !current.is(";") { condition = try parseExpression() }
        try expect(";", "after the loop condition")
        var step: Stmt? = nil
        if !current.is(")") { step = try parseSimpleStatement() }
        try expect(")", "after the loop header")
        let bound = try parseLoopBound()
        let body = try parseStatement()
        return Stmt(
          kind: .forLoop(
            initial: initial, condition: condition, step: step, bound: bound, body: body),
          location: loc)
      case "return":
        advance()
        var value: Expr? = nil
        if !current.is(";") { value = try parseExpression() }
        try expect(";", "after 'return'")
        return Stmt(kind: .returnValue(value), location: loc)
      case "break", "continue":
        advance()
        try expect(";", "after '\(token.text)'")
        return Stmt(kind: token.text == "break" ? .breakLoop : .continueLoop, location: loc)
      case "atomic":
        advance()
        guard current.is("{") else {
          throw fail("expected '{' after 'atomic', found \(current.quoted)")
        }
        return Stmt(kind: .atomic(try parseBlock()), location: loc)
      case "await":
        advance()
        try expect("(", "after 'await'")
        let condition = try parseExpression()
        try expect(")", "after the await condition")
        try expect(";", "after 'await (...)'")
        return Stmt(kind: .await(condition), location: loc)
      case "assert":
        advance()
        try expect("(", "after 'assert'")
        let condition = try parseExpression()
        var message: String? = nil
        if accept(",") {
          guard current.kind == .string else {
            throw fail("expected a message string, found \(current.quoted)")
          }
          message = advance().text
        }
        try expect(")", "after the assertion")
        try expect(";", "after 'assert (...)'")
        return Stmt(kind: .assert(condition, message: message), location: loc)
      case "else":
        throw fail("'else' without a matching 'if'")
      default:
        break
      }
    }
    let statement = try parseSimpleStatement()
    try expect(";", "after the statement")
    return statement
  }

  /// A declaration, assignment, increment or expression, without the trailing `;`.
  private mutating func parseSimpleStatement() throws(ParseError) -> Stmt {
    let loc = here
    if atTypeName {
      let type = try parseType()
      let name = try identifier("a variable name")
      var initial: Expr? = nil
      if accept("=") { initial = try parseExpression() }
      if current.is("[") { throw fail("local arrays are not supported; declare a 'shared' array") }
      return Stmt(
        kind: .local(type: type, name: name.text, initial: initial), location: location(name))
    }
    if current.kind == .identifier, peek().kind == .identifier,
      !Parser.keywords.contains(current.text)
    {
      throw fail("unknown type '\(current.text)'")
    }
    let target = try parseExpression()
    let op = current
    if op.kind == .punct, ["=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^="].contains(op.text) {
      advance()
      let value = try parseExpression()
      return Stmt(kind: .assign(op: op.text, target: target, value: value), location: location(op))
    }
    if op.is("++") || op.is("--") {
      advance()
      return Stmt(kind: .increment(target: target, delta: op.text == "++" ? 1 : -1), location: loc)
    }
    return Stmt(kind: .expression(target), location: loc)
  }

  // MARK: Expressions

  private static let binaryLevels: [[String]] = [
    ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"],
    ["+", "-"], ["*", "/", "%"],
  ]

  mutating func parseExpression() throws(ParseError) -> Expr {
    try nested { (p: inout Parser) throws(ParseError) -> Expr in try p.parseTernary() }
  }

  private mutating func parseTernary() throws(ParseError) -> Expr {
    let condition = try parseBinary(level: 0)
    guard current.is("?") else { return condition }
    advance()
    let a = try parseExpression()
    try expect(":", "in the conditional expression")
    let b = try parseExpression()
    return Expr(
      kind: .ternary(condition, a, b), location: condition.location, start: condition.start,
      end: b.end)
  }

  private mutating func parseBinary(level: Int) throws(ParseError) -> Expr {
    if level == Parser.binaryLevels.count { return try parseUnary() }
    var left = try parseBinary(level: level + 1)
    // A long chain builds a deep tree: count each operator as a level of nesting.
    let outer = depth
    defer { depth = outer }
    while current.kind == .punct, Parser.binaryLevels[level].contains(current.text) {
      depth += 1
      if depth > Parser.maxDepth {
        throw fail("expression is too long (more than \(Parser.maxDepth) operators in a chain)")
      }
      let op = advance()
      let right = try parseBinary(level: level + 1)
      left = Expr(
        kind: .binary(op.text, left, right), location: location(op), start: left.start,
        end: right.end)
    }
    return left
  }

  private mutating func parseUnary() throws(ParseError) -> Expr {
    let token = current
    if token.kind == .punct, ["-", "!", "~", "&", "*", "+"].contains(token.text) {
      advance()
      let operand = try nested { (p: inout Parser) throws(ParseError) -> Expr in try p.parseUnary()
      }
      if token.text == "+" { return operand }
      return Expr(
        kind: .unary(token.text, operand), location: location(token), start: token.start,
        end: operand.end)
    }
    if token.is("++") || token.is("--") {
      throw fail("'\(token.text)' is a statement here, not an expression; write it on its own line")
    }
    return try parsePostfix()
  }

  private mutating func parsePostfix() throws(ParseError) -> Expr {
    var expr = try parsePrimary()
    while true {
      if current.is("[") {
        advance()
        let index = try parseExpression()
        let close = current
        try expect("]", "after the index")
        expr = Expr(
          kind: .index(expr, index), location: expr.location, start: expr.start, end: close.end)
      } else if current.is("(") {
        guard case .name(let name) = expr.kind else {
          throw fail("only named functions can be called")
        }
        advance()
        let arguments = try parseArguments()
        expr = Expr(
          kind: .call(name: name, arguments: arguments), location: expr.location, start: expr.start,
          end: tokens[max(position - 1, 0)].end)
      } else if current.is(".") || current.is("->") {
        throw fail("struct fields are not supported; use a shared variable or a builtin")
      } else {
        return expr
      }
    }
  }

  private mutating func parsePrimary() throws(ParseError) -> Expr {
    let token = current
    let loc = here
    switch token.kind {
    case .integer:
      advance()
      return Expr(kind: .integer(token.value), location: loc, start: token.start, end: token.end)
    case .string:
      advance()
      return Expr(kind: .string(token.text), location: loc, start: token.start, end: token.end)
    case .identifier:
      if token.text == "true" || token.text == "false" {
        advance()
        return Expr(
          kind: .boolean(token.text == "true"), location: loc, start: token.start, end: token.end)
      }
      if Parser.keywords.contains(token.text) || typeNames.contains(token.text) {
        throw fail("expected an expression, found keyword '\(token.text)'")
      }
      advance()
      return Expr(kind: .name(token.text), location: loc, start: token.start, end: token.end)
    case .punct where token.text == "(":
      advance()
      if atTypeName { throw fail("casts are not supported") }
      var inner = try parseExpression()
      let close = current
      try expect(")", "to close the parenthesis")
      inner.start = token.start
      inner.end = close.end
      return inner
    default:
      throw fail("expected an expression, found \(token.quoted)")
    }
  }
}
