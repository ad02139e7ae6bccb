import Explorer

/// Random `MiniProgram`s from a seed, small enough for `dfs` to enumerate in a debug build.
///
/// Each program has 2-4 threads of 1-6 visible steps, 1-3 shared variables and 0-2 locks. The
/// instructions are loads, stores, compare-and-exchanges, lock and unlock (usually balanced, now
/// and then nested in opposite orders so that they can deadlock, and occasionally an unlock of a
/// lock not held), `choose`, forward branches on values read, assertions on values read, and
/// sometimes a final expectation. Jumps only go forward, so every program terminates.
///
/// The same seed always gives the same program: the generator draws only from `SplitMix64` and
/// reduces with `%`, never through the standard library's unspecified sampling algorithms.
public struct ProgramGenerator: Sendable {
  /// The largest number of interleavings (visible steps as a multinomial, times every choice
  /// count) a program may have; programs above it are redrawn.
  public var interleavingBudget: Int
  /// Whether threads may end in a backward branch on a value they read (a retry loop), so that
  /// programs can cycle and livelock. Off, every jump goes forward and the programs for each seed
  /// are the ones the corpus has always had; on, the same seed gives a different program, and the
  /// interleaving budget only limits the program's size.
  public var loops: Bool

  /// The kind of program drawn.
  public enum Shape: String, Sendable, CaseIterable {
    /// 2-4 threads of 1-6 visible steps, locks and all (the corpus of `GeneratedProgramTests`).
    case standard
    /// 5 threads sharing 5-8 visible steps (assertions included) over 1-2 variables, without
    /// locks, rich in `choose` and compare-and-exchange: many short threads whose choices and
    /// CAS steps race, the shape that exposed the choice/sleep-set bug of issue 13.
    case wide
  }

  public var shape: Shape

  public init(interleavingBudget: Int = 3_000, loops: Bool = false, shape: Shape = .standard) {
    self.interleavingBudget = interleavingBudget
    self.loops = loops
    self.shape = shape
  }

  /// The generator of `.wide` programs, with a budget that admits most of them.
  public static let wide = ProgramGenerator(interleavingBudget: 60_000, shape: .wide)

  /// The program for `seed`.
  public func program(seed: UInt64) -> MiniProgram {
    var random = Draw(seed: seed)
    while true {
      if let program = draw(&random, seed: seed) { return program }
    }
  }

  /// The programs for seeds `seeds`.
  public func programs(seeds: Range<UInt64>) -> [MiniProgram] {
    seeds.map { program(seed: $0) }
  }

  /// An upper bound on the interleavings of `program`: every instruction counted as a step,
  /// arranged in every order, times the choices of every `choose`.
  public static func interleavingBound(of program: MiniProgram) -> Int {
    var total = 0
    var bound = 1.0
    for code in program.threads {
      let steps = code.filter { !$0.isLocal }.count
      for k in 0..<steps {
        total += 1
        bound = bound * Double(total) / Double(k + 1)
      }
      for case .choose(_, let count) in code { bound *= Double(count) }
    }
    return bound > Double(Int.max / 2) ? Int.max / 2 : Int(bound.rounded())
  }

  private func draw(_ random: inout Draw, seed: UInt64) -> MiniProgram? {
    if shape == .wide { return drawWide(&random, seed: seed) }
    let threadCount = 2 + random.below(3)
    let variables = 1 + random.below(3)
    let locks = random.below(3)
    // Opposite lock orders in different threads are what make deadlocks possible.
    let reversedOrder = (0..<threadCount).map { _ in random.chance(1, in: 2) }
    var threads: [[MiniProgram.Instruction]] = []
    // Long threads are drawn less often when there are many threads, so that the interleaving
    // budget does not reject most four-thread programs.
    let usualLength = [2: 6, 3: 4, 4: 3][threadCount]!
    for t in 0..<threadCount {
      let steps = 1 + random.below(random.chance(1, in: 4) ? 6 : usualLength)
      threads.append(
        thread(
          t, steps: steps, variables: variables, locks: locks, reversed: reversedOrder[t],
          &random))
    }
    if loops {
      for t in threads.indices where random.chance(2, in: 3) {
        threads[t] = retryLoop(threads[t], &random)
      }
    }
    var expectations: [(variable: Int, value: Int, message: String)] = []
    if random.chance(1, in: 4) {
      let x = random.below(variables)
      let v = random.below(3)
      expectations.append((x, v, "x\(x) ends as \(v)"))
    }
    let initialValues = (0..<variables).map { _ in random.chance(1, in: 4) ? 1 : 0 }
    let program = MiniProgram(
      name: "generated(seed: \(seed))", variables: variables, locks: locks,
      initialValues: initialValues, threads: threads, finalExpectations: expectations)
    guard Self.interleavingBound(of: program) <= interleavingBudget else { return nil }
    return program
  }

  /// A `.wide` program: five threads, 5-8 visible steps in all, no locks.
  private func drawWide(_ random: inout Draw, seed: UInt64) -> MiniProgram? {
    let threadCount = 5
    let variables = 1 + random.below(2)
    var steps = [Int](repeating: 1, count: threadCount)
    for _ in 0..<random.below(4) { steps[random.below(threadCount)] += 1 }
    let threads = steps.enumerated().map { t, count in
      thread(
        t, steps: count, variables: variables, locks: 0, reversed: false, &random,
        mix: Self.wideMix, room: count + 1)
    }
    // Assertions after reads are steps of their own: redraw programs that grew past 8.
    guard threads.joined().filter({ !$0.isLocal }).count <= 8 else { return nil }
    var expectations: [(variable: Int, value: Int, message: String)] = []
    if random.chance(1, in: 4) {
      let x = random.below(variables)
      let v = random.below(3)
      expectations.append((x, v, "x\(x) ends as \(v)"))
    }
    let initialValues = (0..<variables).map { _ in random.chance(1, in: 3) ? 1 : 0 }
    let program = MiniProgram(
      name: "generated(seed: \(seed), shape: wide)", variables: variables, locks: 0,
      initialValues: initialValues, threads: threads, finalExpectations: expectations)
    guard Self.interleavingBound(of: program) <= interleavingBudget else { return nil }
    return program
  }

  /// How an access is drawn: twelve slots for load, store, compare-and-exchange, `choose` and
  /// assertion (the standard shape's), or the wide shape's, with more choices and CAS.
  private static let standardMix = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4]
  private static let wideMix = [0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4]

  /// One thread of about `steps` visible steps.
  private func thread(
    _ t: Int, steps: Int, variables: Int, locks: Int, reversed: Bool, _ random: inout Draw,
    mix: [Int] = standardMix, room: Int = 6
  ) -> [MiniProgram.Instruction] {
    // Plan the visible operations first, then sprinkle local branches between them.
    enum Op {
      case access
      case lock(Int)
      case unlock(Int)
    }
    var ops: [Op] = []
    var remaining = steps
    if locks > 0, steps >= 2, random.chance(3, in: 4) {
      // A critical section: one lock, or (with two locks and room) two nested ones.
      let nested = locks == 2 && steps >= 4 && random.chance(3, in: 4)
      var order = nested ? [0, 1] : [random.below(locks)]
      if reversed { order.reverse() }
      let inside = max(0, remaining - 2 * order.count)
      let before = random.below(inside + 1)
      let within = inside - before
      ops += Array(repeating: .access, count: before)
      ops += order.map { .lock($0) }
      ops += Array(repeating: .access, count: within)
      ops += order.reversed().map { .unlock($0) }
      remaining = 0
    }
    ops += Array(repeating: .access, count: remaining)
    if locks > 0, random.chance(1, in: 12), let k = ops.indices.randomIndex(&random) {
      // Misuse: an unlock of a lock this thread may not hold.
      ops[k] = .unlock(random.below(locks))
    }

    var code: [MiniProgram.Instruction] = []
    // Forward jumps whose target is not known yet: (index in code, visible ops to skip).
    var pendingJumps: [(at: Int, skip: Int, register: Int, value: Int)] = []
    var loaded: Set<Int> = []
    for (k, op) in ops.enumerated() {
      // Resolve jumps that land here.
      for (n, jump) in pendingJumps.enumerated().reversed() where jump.skip == 0 {
        code[jump.at] = .jumpIfEqual(register: jump.register, value: jump.value, target: code.count)
        pendingJumps.remove(at: n)
      }
      for n in pendingJumps.indices { pendingJumps[n].skip -= 1 }
      switch op {
      case .lock(let l): code.append(.lock(l))
      case .unlock(let l): code.append(.unlock(l))
      case .access:
        let register = random.below(2)
        let x = random.below(variables)
        switch mix[random.below(12)] {
        case 0:
          code.append(.load(register: register, variable: x))
          loaded.insert(register)
        case 1:
          let value: MiniProgram.Operand =
            loaded.isEmpty || random.chance(1, in: 2)
            ? .constant(1 + random.below(2)) : .register(loaded.min()!, plus: 1)
          code.append(.store(variable: x, value: value))
        case 2:
          let expected: MiniProgram.Operand =
            loaded.contains(register) && random.chance(1, in: 2)
            ? .register(register, plus: 0) : .constant(random.below(2))
          let new: MiniProgram.Operand =
            random.chance(1, in: 2) ? .register(register, plus: 1) : .constant(1 + random.below(2))
          code.append(
            .compareExchange(register: register, variable: x, expected: expected, new: new))
          loaded.insert(register)
        case 3:
          code.append(.choose(register: register, count: 2))
          loaded.insert(register)
        default:
          if let r = loaded.min() {
            code.append(
              .assertEqual(register: r, value: random.below(2), message: "r\(r) as expected"))
          } else {
            code.append(.load(register: register, variable: x))
            loaded.insert(register)
          }
        }
        // After a value has been read, maybe branch on it or assert it.
        if let r = loaded.randomElement(&random), k + 1 < ops.count || random.chance(1, in: 2) {
          switch random.below(6) {
          case 0, 1:
            code.append(.jumpIfEqual(register: r, value: 0, target: -1))
            pendingJumps.append((code.count - 1, 1 + random.below(2), r, random.below(2)))
          case 2 where code.filter({ !$0.isLocal }).count + (ops.count - k - 1) < room:
            // An assertion is a visible step of its own: only where the thread has room for it.
            code.append(
              .assertEqual(register: r, value: random.below(2), message: "r\(r) as expected"))
          default: break
          }
        }
      }
    }
    for jump in pendingJumps {
      code[jump.at] = .jumpIfEqual(register: jump.register, value: jump.value, target: code.count)
    }
    return code
  }
}

extension ProgramGenerator {
  /// `code` followed by a branch back to one of its visible instructions, taken when a register
  /// it loads has a given value: the shape of a retry loop (`if (!try_cmpxchg(...)) goto retry`).
  fileprivate func retryLoop(_ code: [MiniProgram.Instruction], _ random: inout Draw)
    -> [MiniProgram.Instruction]
  {
    var registers: [Int] = []
    for instruction in code {
      switch instruction {
      case .load(let r, _), .compareExchange(let r, _, _, _), .choose(let r, _): registers.append(r)
      default: break
      }
    }
    let visible = code.indices.filter { !code[$0].isLocal }
    guard !registers.isEmpty, !visible.isEmpty else { return code }
    let register = registers[random.below(registers.count)]
    let target = visible[random.below(visible.count)]
    return code + [.jumpIfEqual(register: register, value: random.below(2), target: target)]
  }
}

extension MiniProgram.Instruction {
  /// Whether the instruction runs inside the next visible step rather than as one.
  public var isLocal: Bool {
    switch self {
    case .jumpIfEqual, .jump: return true
    default: return false
    }
  }
}

/// The generator's source of randomness: `SplitMix64`, reduced with `%`.
struct Draw {
  var generator: SplitMix64
  init(seed: UInt64) { generator = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 1) }
  mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
  mutating func chance(_ k: Int, in n: Int) -> Bool { below(n) < k }
}

extension Collection {
  fileprivate func randomIndex(_ random: inout Draw) -> Index? {
    isEmpty ? nil : index(startIndex, offsetBy: random.below(count))
  }
}

extension Set where Element == Int {
  fileprivate func randomElement(_ random: inout Draw) -> Int? {
    isEmpty ? nil : sorted()[random.below(count)]
  }
}
