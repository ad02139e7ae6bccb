import Explorer

// Function bodies: frames, locals and their scopes.
extension Compiler {
  func beginBody(function: Int32, file: String) {
    scopes = [[:]]
    locals = []
    nextSlot = 0
    maxSlot = 0
    loops = []
    atomicDepth = 0
    currentFunction = function
    currentFile = file
  }

  func declareLocal(
    _ name: String, _ type: SpecType, _ location: SourceLocation, parameter: Bool
  ) -> Int32 {
    if scopes[scopes.count - 1][name] != nil {
      sink.error(location, "'\(name)' is already declared in this scope")
    } else if !parameter, lookupLocal(name) != nil {
      sink.warning(location, "local variable '\(name)' shadows an outer variable of the same name")
    } else if case .shared? = globals[name]?.0 {
      sink.warning(location, "local variable '\(name)' shadows the shared variable '\(name)'")
    }
    let slot = temp()
    scopes[scopes.count - 1][name] = locals.count
    locals.append(
      Local(
        name: name, slot: slot, type: type, location: location, isRead: parameter,
        isParameter: parameter))
    return slot
  }

  func lookupLocal(_ name: String) -> Int? {
    for scope in scopes.reversed() { if let index = scope[name] { return index } }
    return nil
  }

  func compileFunction(_ index: Int, _ decl: FunctionDecl, file: String) {
    beginBody(function: Int32(index), file: file)
    currentResult = signatures[index].result
    currentName = decl.name
    context = .function
    let entry = Int32(ops.count)
    for (i, parameter) in decl.parameters.enumerated() {
      _ = declareLocal(
        parameter.name, signatures[index].parameters[i].type, parameter.location, parameter: true)
    }
    let fallsThrough = statement(decl.body)
    if fallsThrough {
      if currentResult != .void {
        sink.error(
          decl.location, "missing return in function '\(decl.name)', which returns \(currentResult)"
        )
      }
      _ = emit(.ret(src: -1), decl.location)
    }
    reportUnusedLocals()
    compiled.append(
      CompiledFunction(
        name: decl.name, location: decl.location, kernel: decl.kernel, isProgress: decl.isProgress,
        entry: entry,
        slotCount: maxSlot, parameterCount: decl.parameters.count))
  }

  func reportUnusedLocals() {
    for local in locals where !local.isRead && !local.isParameter {
      sink.warning(local.location, "local variable '\(local.name)' is never read")
    }
  }

  func compileBlockFunction(
    _ block: Stmt, name: String, file: String, context: Context,
    parameters: [(name: String, type: SpecType, location: SourceLocation)] = []
  ) -> Int32 {
    let index = Int32(compiled.count)
    beginBody(function: index, file: file)
    currentResult = .void
    currentName = name
    self.context = context
    for parameter in parameters {
      _ = declareLocal(parameter.name, parameter.type, parameter.location, parameter: true)
    }
    let entry = Int32(ops.count)
    _ = statement(block)
    _ = emit(.ret(src: -1), block.location)
    reportUnusedLocals()
    compiled.append(
      CompiledFunction(
        name: name, location: block.location, kernel: nil, isProgress: false, entry: entry,
        slotCount: maxSlot,
        parameterCount: parameters.count))
    self.context = .function
    return index
  }
}
