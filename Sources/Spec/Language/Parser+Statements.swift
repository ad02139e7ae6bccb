// Statements, blocks, and recovery to the next statement.
extension Parser {
  mutating func parseBlock() throws(ParseError) -> Stmt {
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

  mutating func synchronizeStatement() {
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

  mutating func nested<T>(_ body: (inout Parser) throws(ParseError) -> T) throws(ParseError)
    -> T
  {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth {
      throw fail("nesting is too deep (more than \(Parser.maxDepth) levels)")
    }
    return try body(&self)
  }

  mutating func parseStatement() throws(ParseError) -> Stmt {
    try nested { (p: inout Parser) throws(ParseError) -> Stmt in try p.parseStatementInner() }
  }

  mutating func parseLoopBound() throws(ParseError) -> Expr? {
    guard acceptWord("bound") else { return nil }
    return try parseExpression()
  }

  mutating func parseStatementInner() throws(ParseError) -> Stmt {
    let token = current
    let loc = here
    if token.is("{") { return try parseBlock() }
    if token.is(";") {
      advance()
      return Stmt(kind: .block([]), location: loc)
    }
    if token.kind == .identifier, token.text == "goto", peek().kind == .identifier {
      throw fail(Parser.gotoRewrite(peek().text))
    }
    if token.kind == .identifier, peek().is(":"), !Parser.keywords.contains(token.text) {
      throw fail(
        "labels are not supported ('\(token.text):'); write the jump to it as a loop, 'break' or an 'if' (see 'goto' in docs/language.md)"
      )
    }
    if token.kind == .identifier, token.text == "select", peek().is("{") {
      return try parseSelect()
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

  /// `select { when (g) s ... [else s] }`. `select` and `when` are words only here, so
  /// existing specs may keep them as names.
  mutating func parseSelect() throws(ParseError) -> Stmt {
    let loc = here
    advance()
    let open = current
    try expect("{", "after 'select'")
    var arms: [SelectArm] = []
    var sawElse = false
    while !current.is("}") {
      if current.kind == .end {
        throw fail(
          "expected '}' to close the select opened at line \(open.line), found end of file")
      }
      let armLocation = here
      if current.kind == .identifier, current.text == "when" {
        if sawElse { throw fail("'when' after 'else': the 'else' of a select comes last") }
        advance()
        try expect("(", "after 'when'")
        let condition = try parseExpression()
        try expect(")", "after the guard")
        arms.append(
          SelectArm(guardCondition: condition, body: try parseStatement(), location: armLocation))
      } else if current.kind == .identifier, current.text == "else" {
        if sawElse { throw fail("a select has at most one 'else'") }
        sawElse = true
        advance()
        arms.append(
          SelectArm(guardCondition: nil, body: try parseStatement(), location: armLocation))
      } else {
        throw fail("expected 'when (...)' or 'else' in a select, found \(current.quoted)")
      }
    }
    advance()
    if arms.allSatisfy({ $0.guardCondition == nil }) {
      sink.error(loc, "a select needs at least one 'when (...)' alternative")
    }
    return Stmt(kind: .select(arms), location: loc)
  }

  /// A declaration, assignment, increment or expression, without the trailing `;`.
  mutating func parseSimpleStatement() throws(ParseError) -> Stmt {
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
}
