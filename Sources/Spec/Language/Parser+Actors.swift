// The actor catalogue: `actor` and `finding` declarations (ActorDecl.swift).
extension Parser {
  /// The names an actor's parameters may have: synthesis gives each a value.
  static let actorParameters: Set<String> = ["vcpu", "gfn"]

  mutating func parseActor() throws(ParseError) -> ActorDecl {
    let name = try identifier("an actor name")
    try expect("(", "after the actor name")
    var parameters: [Parameter] = []
    if !current.is(")") {
      repeat {
        var type: TypeRef? = nil
        if atTypeName { type = try parseType() }
        let pname = try identifier("a parameter name")
        if !Parser.actorParameters.contains(pname.text) {
          sink.error(
            location(pname),
            "actor parameter '\(pname.text)' is not one synthesis binds; use 'vcpu' or 'gfn'")
        }
        if parameters.contains(where: { $0.name == pname.text }) {
          sink.error(location(pname), "duplicate parameter '\(pname.text)'")
        }
        parameters.append(Parameter(type: type, name: pname.text, location: location(pname)))
      } while accept(",")
    }
    try expect(")", "after the actor's parameters")
    try expect("{", "after the actor's parameters")
    var actor = ActorDecl(
      name: name.text, location: location(name), nameStart: name.start, nameEnd: name.end,
      parameters: parameters, run: Stmt(kind: .invalid, location: location(name)))
    var sawRun = false
    while !current.is("}") {
      if current.kind == .end {
        throw fail("expected '}' to close actor '\(name.text)', found end of file")
      }
      let token = current
      if acceptWord("phase") {
        let word = try identifier("a phase (any, before_finalize or after_finalize)")
        // A bad word is one error; the rest of the actor still parses.
        if let phase = ActorPhase(rawValue: word.text) {
          actor.phase = phase
        } else {
          sink.error(
            location(word),
            "unknown phase '\(word.text)'; expected any, before_finalize or after_finalize")
        }
        try expect(";", "after the phase")
      } else if acceptWord("guest") {
        actor.isGuest = true
        try expect(";", "after 'guest'")
      } else if acceptWord("memory") {
        // `shared` is a keyword: read the word as it is.
        let word = current
        guard word.isWord("private") || word.isWord("shared") else {
          throw fail(
            "expected 'private' or 'shared' after 'memory', found '\(word.text)'",
            at: location(word))
        }
        advance()
        actor.memory = word.text
        try expect(";", "after the memory")
      } else if acceptWord("zaps") {
        repeat {
          let word = try identifier("a root type ('mirror' or 'direct')")
          guard word.text == "mirror" || word.text == "direct" else {
            throw fail(
              "expected 'mirror' or 'direct' after 'zaps', found '\(word.text)'", at: location(word)
            )
          }
          actor.zaps.append(word.text)
        } while accept(",")
        try expect(";", "after the roots")
      } else if acceptWord("with") {
        var names: [String] = []
        repeat { names.append(try identifier("an actor name").text) } while accept(",")
        actor.partners = names
        try expect(";", "after the actors")
      } else if token.isWord("init") || token.isWord("run") {
        advance()
        guard current.is("{") else {
          throw fail("expected '{' after '\(token.text)', found \(current.quoted)")
        }
        let block = try parseBlock()
        if token.text == "init" {
          if actor.initBlock != nil {
            sink.error(location(token), "actor '\(name.text)' has more than one 'init' block")
          }
          actor.initBlock = block
        } else {
          if sawRun {
            sink.error(location(token), "actor '\(name.text)' has more than one 'run' block")
          }
          sawRun = true
          actor.run = block
        }
      } else {
        throw fail(
          "expected 'phase', 'guest', 'memory', 'zaps', 'with', 'init' or 'run' in an actor, found \(token.quoted)"
        )
      }
    }
    advance()
    if !sawRun { sink.error(actor.location, "actor '\(name.text)' has no 'run' block") }
    return actor
  }

  mutating func parseFinding() throws(ParseError) -> FindingDecl {
    let name = try identifier("the name of a synthesized scenario")
    guard acceptWord("violation") else {
      throw fail(
        "expected 'violation <kind>' after the finding's scenario, found \(current.quoted)")
    }
    guard current.kind == .identifier else {
      throw fail("expected a violation kind after 'violation', found \(current.quoted)")
    }
    let at = location(current)
    var finding = FindingDecl(
      scenario: name.text, location: location(name), kind: parseKind(), kindLocation: at)
    while accept(",") {
      guard current.kind == .identifier else {
        throw fail("expected a violation kind after ',', found \(current.quoted)")
      }
      let at = location(current)
      finding.alsoExpected.append((parseKind(), at))
    }
    try expect(";", "after the finding")
    return finding
  }
}
