import Explorer

/// Which shared cells the location argument of each builtin call may point at, over every
/// execution: a points-to analysis of the compiled program, flow-sensitive inside a function
/// (the compiler reuses temporary slots, so one slot holds many pointers over a function's life)
/// and context-insensitive across calls.
///
/// Pointers to shared cells come only from `&x` and `&a[i]` (a constant pointer or an `element`
/// instruction); arithmetic never yields one (it makes an integer), so they travel only through
/// moves, arguments, results, builtins and memory. What a builtin returns or hands back through an
/// out-parameter is taken to be any of its value arguments or any pointer memory may hold; what it
/// is given as a value may be stored in memory. InvisibleSteps uses the result to know which
/// cells a step may touch before any execution runs.
struct PointerAnalysis: Sendable {
  /// The instructions of each function, in order (sites record the function of each).
  let opsOf: [[Int]]
  /// For each builtin call, by pc: what each argument may point at.
  private(set) var arguments: [Int: [CellSet]] = [:]

  init(program: Program) {
    var opsOf = [[Int]](repeating: [], count: program.functions.count)
    for pc in program.ops.indices {
      let f = Int(program.sites[pc].function)
      if opsOf.indices.contains(f) { opsOf[f].append(pc) }
    }
    self.opsOf = opsOf
    var solver = Solver(program: program, opsOf: opsOf)
    solver.solve()
    arguments = solver.arguments
  }

  /// What argument `i` of the builtin call at `pc` may point at.
  func cells(at pc: Int, argument i: Int) -> CellSet {
    guard let arguments = arguments[pc], arguments.indices.contains(i) else { return CellSet() }
    return arguments[i]
  }

  /// The fixed point: each function's instructions in control-flow order from the parameters'
  /// facts, until parameters, results and memory stop growing.
  private struct Solver {
    let program: Program
    let opsOf: [[Int]]
    var parameters: [[CellSet]]
    var returns: [CellSet]
    var memory = CellSet()
    var arguments: [Int: [CellSet]] = [:]

    init(program: Program, opsOf: [[Int]]) {
      self.program = program
      self.opsOf = opsOf
      // A frame holds max(slots, arguments): calls may pass more arguments than a callee
      // declares slots for.
      var width = program.functions.map { Int(max($0.slotCount, Int32($0.parameterCount))) }
      for op in program.ops {
        if case .call(let g, _, let count, _) = op { width[Int(g)] = max(width[Int(g)], Int(count)) }
      }
      for scenario in program.scenarios {
        for thread in scenario.threads {
          width[Int(thread.function)] = max(width[Int(thread.function)], thread.arguments.count)
        }
        if let f = scenario.finallyFunction {
          width[Int(f)] = max(width[Int(f)], scenario.finallyThreads.count)
        }
      }
      parameters = width.map { Array(repeating: CellSet(), count: $0) }
      returns = Array(repeating: CellSet(), count: program.functions.count)
      for value in program.initialCells { memory.insert(pointer: value) }
      for scenario in program.scenarios {
        for thread in scenario.threads {
          for (i, value) in thread.arguments.enumerated() {
            parameters[Int(thread.function)][i].insert(pointer: value)
          }
        }
      }
    }

    mutating func solve() {
      var changed = true
      while changed {
        changed = false
        for f in opsOf.indices where !opsOf[f].isEmpty {
          changed = function(f) || changed
        }
        // `finally` sees what the threads returned.
        for scenario in program.scenarios {
          guard let g = scenario.finallyFunction else { continue }
          for (i, t) in scenario.finallyThreads.enumerated() {
            changed = parameters[Int(g)][i].formUnion(returns[Int(scenario.threads[t].function)]) || changed
          }
        }
      }
    }

    /// One pass over function `f` to its local fixed point; whether anything global grew.
    private mutating func function(_ f: Int) -> Bool {
      let first = opsOf[f][0]
      let last = opsOf[f][opsOf[f].count - 1]
      let width = parameters[f].count
      var states = [[CellSet]?](repeating: nil, count: last - first + 1)
      let entry = Int(program.functions[f].entry)
      states[entry - first] = parameters[f]
      var work = [entry]
      var grew = false
      while let pc = work.popLast() {
        var state = states[pc - first]!
        var successors: [Int] = [pc + 1]
        func at(_ slot: Int32) -> CellSet { Int(slot) < width ? state[Int(slot)] : CellSet() }
        func set(_ slot: Int32, _ value: CellSet) {
          if Int(slot) < width { state[Int(slot)] = value }
        }
        switch program.ops[pc] {
        case .constant(let dst, let value):
          var single = CellSet()
          single.insert(pointer: value)
          set(dst, single)
        case .move(let dst, let src):
          set(dst, at(src))
        case .unary(_, let dst, _), .binary(_, let dst, _, _):
          set(dst, CellSet())
        case .element(let dst, let cellBase, let length, _):
          var range = CellSet()
          for cell in Int(cellBase)..<Int(cellBase + length) { range.insert(cell) }
          set(dst, range)
        case .jump(let target):
          successors = [Int(target)]
        case .branchFalse(_, let target), .branchTrue(_, let target):
          successors.append(Int(target))
        case .call(let g, let argumentBase, let count, let dst):
          for i in 0..<Int(count) where i < parameters[Int(g)].count {
            grew = parameters[Int(g)][i].formUnion(at(argumentBase + Int32(i))) || grew
          }
          if dst >= 0 { set(dst, returns[Int(g)]) }
        case .ret(let src):
          if src >= 0 { grew = returns[f].formUnion(at(src)) || grew }
          successors = []
        case .visible(let b, let argumentBase, let count, let dst, let out),
          .local(let b, let argumentBase, let count, let dst, let out):
          let parameterModes = program.builtins[Int(b)].parameters.map(\.mode)
          var given = CellSet()
          var seen: [CellSet] = []
          for i in 0..<Int(count) {
            let value = at(argumentBase + Int32(i))
            seen.append(value)
            switch parameterModes[min(i, parameterModes.count - 1)] {
            case .value, .out: _ = given.formUnion(value)
            case .location, .lock: break
            }
          }
          if var known = arguments[pc] {
            for i in known.indices { _ = known[i].formUnion(seen[i]) }
            arguments[pc] = known
          } else {
            arguments[pc] = seen
          }
          grew = memory.formUnion(given) || grew
          _ = given.formUnion(memory)
          if dst >= 0 { set(dst, given) }
          if out >= 0 { set(out, given) }
        default:
          break
        }
        for next in successors where next >= first && next <= last {
          if var known = states[next - first] {
            var grown = false
            for s in 0..<width { grown = known[s].formUnion(state[s]) || grown }
            if grown {
              states[next - first] = known
              work.append(next)
            }
          } else {
            states[next - first] = state
            work.append(next)
          }
        }
      }
      return grew
    }
  }
}

/// A set of shared cells, folded onto 256 bits as footprints are (`id % 256`): folding can only
/// add cells, so what uses it stays sound.
struct CellSet: Equatable, Sendable {
  private(set) var words: SIMD4<UInt64> = .zero

  mutating func insert(_ cell: Int) {
    let bit = cell & 255
    words[bit >> 6] |= 1 << UInt64(bit & 63)
  }

  /// Adds the cell a value points at, if it is a pointer.
  mutating func insert(pointer value: Value) {
    guard value.tag == .pointer, value.bits >= 0 else { return }
    insert(Int(value.bits))
  }

  /// Returns whether the set grew.
  mutating func formUnion(_ other: CellSet) -> Bool {
    let union = words | other.words
    if union == words { return false }
    words = union
    return true
  }

  /// The cells (folded ids), in ascending order.
  var cells: [Int] {
    var result: [Int] = []
    for k in 0..<4 {
      var w = words[k]
      while w != 0 {
        result.append(k * 64 + w.trailingZeroBitCount)
        w &= w - 1
      }
    }
    return result
  }
}
