// Expressions by precedence climbing: ternary, binary levels, unary, postfix, primary.
extension Parser {
  static let binaryLevels: [[String]] = [
    ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"],
    ["+", "-"], ["*", "/", "%"],
  ]

  mutating func parseExpression() throws(ParseError) -> Expr {
    try nested { (p: inout Parser) throws(ParseError) -> Expr in try p.parseTernary() }
  }

  mutating func parseTernary() throws(ParseError) -> Expr {
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

  mutating func parseBinary(level: Int) throws(ParseError) -> Expr {
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

  mutating func parseUnary() throws(ParseError) -> Expr {
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

  mutating func parsePostfix() throws(ParseError) -> Expr {
    var expr = try parsePrimary()
    // A long chain of postfixes builds a deep tree too: each counts as a level of nesting.
    let outer = depth
    defer { depth = outer }
    while true {
      if current.is("[") || current.is("(") {
        depth += 1
        if depth > Parser.maxDepth {
          throw fail("expression is too long (more than \(Parser.maxDepth) postfixes in a chain)")
        }
      }
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

  mutating func parsePrimary() throws(ParseError) -> Expr {
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
