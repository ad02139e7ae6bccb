// Top-level declarations: shared globals, functions, types, scenarios.
extension Parser {
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
  mutating func synchronizeTopLevel() {
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
        current.kind == .annotation || current.isWord("scenario") || current.isWord("actor")
          || current.isWord("finding")
          || current.isWord("shared") || current.isWord("override")
      {
        return
      }
      advance()
    }
  }

  mutating func parseTopLevel(into result: inout SourceFile, first: Bool)
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
      var hooks: [InvariantHook] = []
      while current.kind == .annotation {
        let annotation = advance()
        if annotation.text == "progress" {
          isProgress = true
          continue
        }
        if annotation.text == "invariant" {
          hooks.append(.final)
          continue
        }
        if annotation.text == "on_release" {
          hooks.append(try parseReleaseHook())
          continue
        }
        guard annotation.text == "kernel" else {
          throw fail(
            "unknown annotation '@\(annotation.text)'; expected '@kernel', '@progress', '@invariant' or '@on_release'",
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
          body: body, isOverride: isOverride, kernel: kernel, isProgress: isProgress,
          hooks: hooks))
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
    if start.isWord("actor"), peek().kind == .identifier {
      advance()
      result.actors.append(try parseActor())
      return
    }
    if start.isWord("finding"), peek().kind == .identifier {
      advance()
      result.findings.append(try parseFinding())
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

  mutating func parseSharedTail(type: TypeRef, into result: inout SourceFile)
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

  mutating func parseType() throws(ParseError) -> TypeRef {
    let token = advance()
    var isPointer = false
    if accept("*") { isPointer = true }
    if current.is("*") { throw fail("pointers to pointers are not supported") }
    return TypeRef(name: token.text, isPointer: isPointer, location: location(token))
  }

  mutating func parseScenario() throws(ParseError) -> ScenarioDecl {
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

  mutating func parseBlockSkipping() throws(ParseError) {
    var braces = 0
    repeat {
      if current.is("{") { braces += 1 }
      if current.is("}") { braces -= 1 }
      advance()
    } while braces > 0 && current.kind != .end
  }

  mutating func parseScenarioItem(_ scenario: inout ScenarioDecl) throws(ParseError) {
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
        let kind = parseKind()
        expectation = .violation(kind: kind)
        // `expect violation divergence, tdx-error;`: kinds the bug also causes, which do not
        // make the scenario fail; any other kind does.
        while accept(",") {
          guard current.kind == .identifier else {
            throw fail(
              "expected a violation kind after ',' in 'expect violation', found \(current.quoted)")
          }
          let at = location(current)
          scenario.alsoExpected.append((parseKind(), at))
        }
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

  /// A violation kind: words joined by `-` (`use-after-free`).
  mutating func parseKind() -> String {
    var kind = advance().text
    while current.is("-"), peek().kind == .identifier {
      advance()
      kind += "-" + advance().text
    }
    return kind
  }

  mutating func parseArguments() throws(ParseError) -> [Argument] {
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
}
