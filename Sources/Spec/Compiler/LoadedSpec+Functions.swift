/// A function of a loaded spec's base program, as the kernel map lists it.
public struct ModelFunction: Sendable, Hashable {
  public var name: String
  public var kernel: KernelReference?
  /// Where the function is defined (its name).
  public var location: SourceLocation
  /// Whether some scenario of the base program calls it, from a thread, `init` or `finally`.
  public var reachable: Bool
}

extension LoadedSpec {
  /// The functions of the base program (mainline, or the release selected when loading), in
  /// source order, each with whether a scenario reaches it.
  public var baseFunctions: [ModelFunction] {
    guard let program = programs.first(where: { $0.name == "base" }) else { return [] }
    let functions = program.functions
    // A function's code runs from its entry to the next function's (the compiler emits each
    // body in one piece).
    let entries = functions.map(\.entry).sorted()
    func end(of entry: Int32) -> Int {
      entries.first { $0 > entry }.map(Int.init) ?? program.ops.count
    }
    var callees: [[Int32]] = Array(repeating: [], count: functions.count)
    for (index, function) in functions.enumerated() {
      for op in program.ops[Int(function.entry)..<end(of: function.entry)] {
        if case .call(let callee, _, _, _) = op { callees[index].append(callee) }
      }
    }
    var reached = Set<Int32>()
    var work: [Int32] = program.scenarios.flatMap { scenario in
      scenario.threads.map(\.function) + [scenario.initFunction, scenario.finallyFunction]
        .compactMap { $0 }
    }
    while let next = work.popLast() {
      guard reached.insert(next).inserted else { continue }
      work += callees[Int(next)]
    }
    return functions.enumerated().compactMap { index, function in
      // Skip the functions compiled from scenarios' init and finally blocks.
      guard !function.name.contains(" ") else { return nil }
      return ModelFunction(
        name: function.name, kernel: function.kernel, location: function.location,
        reachable: reached.contains(Int32(index)))
    }
  }
}
