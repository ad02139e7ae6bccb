import Explorer

// Scenarios: threads, init and finally blocks, expectations.
extension Compiler {
  func compileScenario(_ scenario: ScenarioDecl, file: String) {
    currentFile = file
    var threads: [CompiledThread] = []
    var names: Set<String> = []
    if scenario.threads.isEmpty {
      sink.error(scenario.location, "scenario '\(scenario.name)' has no threads")
    }
    if scenario.threads.count > 16 {
      sink.error(
        scenario.threads[16].location,
        "scenario '\(scenario.name)' has \(scenario.threads.count) threads; at most 16 are supported"
      )
    }
    for thread in scenario.threads {
      if !names.insert(thread.name).inserted {
        sink.error(
          thread.location, "duplicate thread name '\(thread.name)' in scenario '\(scenario.name)'")
      }
      guard case .function(let index)? = globals[thread.function]?.0 else {
        if library.builtins[thread.function] != nil {
          sink.error(
            thread.functionLocation,
            "a thread must run a spec function, not the builtin '\(thread.function)'")
        } else {
          sink.error(
            thread.functionLocation,
            "unknown function '\(thread.function)'"
              + suggestFunction(thread.function, specOnly: true))
        }
        continue
      }
      let signature = signatures[index]
      if thread.arguments.count != signature.parameters.count {
        sink.error(
          thread.functionLocation,
          arityMessage(thread.function, signature.parameters.count, thread.arguments.count))
        continue
      }
      argumentLabelsCheck(thread.function, thread.arguments, signature.parameters.map(\.name))
      var values: [Value] = []
      for (i, argument) in thread.arguments.enumerated() {
        guard let (value, type) = constantValue(argument.value) else {
          sink.error(argument.value.location, "thread arguments must be constants")
          continue
        }
        let p = signature.parameters[i]
        if !type.isAssignable(to: p.type) {
          sink.error(
            argument.value.location,
            "argument \(i + 1) of '\(thread.function)' must be \(p.type), not \(type)")
        }
        values.append(value)
      }
      threads.append(CompiledThread(name: thread.name, function: Int32(index), arguments: values))
    }
    var expectation = Expectation.ok
    if let e = scenario.expectation {
      expectation = e
      if case .violation(let kind) = e, !library.violationKinds.contains(kind) {
        sink.error(
          scenario.expectationLocation ?? scenario.location,
          "unknown violation kind '\(kind)'" + suggestKind(kind)
            + "; expected one of \(library.violationKinds.joined(separator: ", "))"
        )
      }
      for (kind, location) in scenario.alsoExpected where !library.violationKinds.contains(kind) {
        sink.error(
          location,
          "unknown violation kind '\(kind)'"
            + suggestKind(kind)
            + "; expected one of \(library.violationKinds.joined(separator: ", "))"
        )
      }
    } else {
      sink.error(
        scenario.location,
        "scenario '\(scenario.name)' has no 'expect' (write 'expect ok;' or 'expect violation <kind>;')"
      )
    }
    let initFunction = scenario.initBlock.map {
      compileBlockFunction($0, name: "init of \(scenario.name)", file: file, context: .initBlock)
    }
    // In `finally`, each thread whose function returns a value is a name for that value.
    var resultThreads: [Int] = []
    var resultParameters: [(name: String, type: SpecType, location: SourceLocation)] = []
    for (t, thread) in threads.enumerated() where names.contains(thread.name) {
      let result = signatures[Int(thread.function)].result
      if result != .void, !resultParameters.contains(where: { $0.name == thread.name }) {
        resultThreads.append(t)
        resultParameters.append(
          (
            thread.name, result,
            scenario.threads.first { $0.name == thread.name }?.location ?? scenario.location
          ))
      }
    }
    let finallyFunction = finallyWithInvariants(scenario.finallyBlock, at: scenario.location).map {
      compileBlockFunction(
        $0, name: "finally of \(scenario.name)", file: file, context: .finallyBlock,
        parameters: resultParameters)
    }
    scenarios.append(
      CompiledScenario(
        name: scenario.name, location: scenario.location, expectation: expectation,
        alsoExpected: scenario.alsoExpected.map(\.kind), threads: threads,
        initFunction: initFunction, finallyFunction: finallyFunction, finallyThreads: resultThreads,
        isSynthesized: scenario.isSynthesized)
    )
  }
}
