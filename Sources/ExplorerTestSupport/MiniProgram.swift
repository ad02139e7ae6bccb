import Explorer

/// A tiny concurrent program: threads of simple instructions over integer variables and locks.
///
/// Canonical systems and generated programs are written in this form, so that every engine test
/// speaks to the engine only through `TransitionSystem`. Variables are objects `0..<variables`,
/// locks are objects `variables..<variables+locks`.
public struct MiniProgram: TransitionSystem, CustomStringConvertible {
  /// A value an instruction computes: a constant, or a register plus a constant.
  public enum Operand: Hashable, Sendable {
    case constant(Int)
    case register(Int, plus: Int)
  }

  public enum Instruction: Hashable, Sendable {
    /// `r = x` (a visible read).
    case load(register: Int, variable: Int)
    /// `x = value` (a visible write).
    case store(variable: Int, value: Operand)
    /// `r = cas(x, expected, new)`: 1 if `x == expected` and it was replaced, else 0. Always a
    /// read-modify-write: a footprint may not depend on values other threads can change.
    case compareExchange(register: Int, variable: Int, expected: Operand, new: Operand)
    /// `lock(l)`: blocks while `l` is held.
    case lock(Int)
    /// `unlock(l)`: releasing a lock not held by this thread raises `lock-misuse`.
    case unlock(Int)
    /// `r = choose(n)`: a nondeterministic value in `0..<n`, a step that touches nothing shared.
    case choose(register: Int, count: Int)
    /// Local: jump to `target` when `r == value` (no step of its own).
    case jumpIfEqual(register: Int, value: Int, target: Int)
    /// Local: jump to `target` (no step of its own).
    case jump(target: Int)
    /// Local: raise an `assertion` violation (and stop the thread) unless `r == value`.
    case assertEqual(register: Int, value: Int, message: String)
  }

  /// Variables, lock owners (-1: free), pcs and registers (thread by thread) in one array, so
  /// that a step copies one buffer, not four.
  public struct State: Hashable, Sendable {
    var words: [Int]
    let ownersAt: Int
    let pcsAt: Int
    let registersAt: Int
    let registerCount: Int

    init(variables: [Int], locks: Int, threads: Int, registers: Int) {
      words = variables + Array(repeating: -1, count: locks) + Array(repeating: 0, count: threads * (1 + registers))
      ownersAt = variables.count
      pcsAt = ownersAt + locks
      registersAt = pcsAt + threads
      registerCount = registers
    }

    public var variables: [Int] { Array(words[0..<ownersAt]) }
    /// The thread holding each lock, or -1.
    public var owners: [Int] { Array(words[ownersAt..<pcsAt]) }
    public var pcs: [Int] { Array(words[pcsAt..<registersAt]) }

    subscript(variable x: Int) -> Int {
      get { words[x] }
      set { words[x] = newValue }
    }
    subscript(owner l: Int) -> Int {
      get { words[ownersAt + l] }
      set { words[ownersAt + l] = newValue }
    }
    subscript(pc t: Int) -> Int {
      get { words[pcsAt + t] }
      set { words[pcsAt + t] = newValue }
    }
    subscript(thread t: Int, register r: Int) -> Int {
      get { words[registersAt + t * registerCount + r] }
      set { words[registersAt + t * registerCount + r] = newValue }
    }

    /// The layout is the program's, the same for every state: only the words count.
    public static func == (a: State, b: State) -> Bool { a.words == b.words }

    /// Every number once, without the array's length (fixed per program): the engine hashes a
    /// state at every step.
    public func hash(into hasher: inout Hasher) {
      // Two multiply-xorshift lanes, then two words for the hasher: one SipHash round per word
      // was a tenth of a DPOR step.
      var first: UInt64 = 0x243F_6A88_85A3_08D3
      var second: UInt64 = 0x1319_8A2E_0370_7344
      for w in words {
        let word = UInt64(bitPattern: Int64(w))
        first = (first ^ word) &* 0x9E37_79B9_7F4A_7C15
        first ^= first >> 31
        second = (second ^ word) &* 0xC2B2_AE3D_27D4_EB4F
        second ^= second >> 29
      }
      hasher.combine(first)
      hasher.combine(second)
    }
  }

  public var name: String
  public var threads: [[Instruction]]
  public var variableCount: Int
  public var lockCount: Int
  public var registerCount: Int
  public var initialValues: [Int]
  /// A final-state check: `(variable, expected)` pairs that must hold at the end.
  public var finalExpectations: [(variable: Int, value: Int, message: String)]

  public init(
    name: String, variables: Int, locks: Int = 0, registers: Int = 2, initialValues: [Int]? = nil,
    threads: [[Instruction]],
    finalExpectations: [(variable: Int, value: Int, message: String)] = []
  ) {
    self.name = name
    self.threads = threads
    self.variableCount = variables
    self.lockCount = locks
    self.registerCount = registers
    self.initialValues = initialValues ?? Array(repeating: 0, count: variables)
    self.finalExpectations = finalExpectations
  }

  public var threadCount: Int { threads.count }

  public var initialState: State {
    var state = State(
      variables: initialValues, locks: lockCount, threads: threads.count, registers: registerCount)
    for t in threads.indices { settle(t, &state) }
    return state
  }

  private func value(_ operand: Operand, _ t: Int, _ state: State) -> Int {
    switch operand {
    case .constant(let c): return c
    case .register(let r, let plus): return state[thread: t, register: r] + plus
    }
  }

  /// Runs the local instructions at the thread's pc, so that it rests at a visible one.
  private func settle(_ t: Int, _ state: inout State) {
    var budget = 10_000
    while state[pc: t] < threads[t].count, budget > 0 {
      budget -= 1
      switch threads[t][state[pc: t]] {
      case .jumpIfEqual(let r, let v, let target):
        state[pc: t] = state[thread: t, register: r] == v ? target : state[pc: t] + 1
      case .jump(let target): state[pc: t] = target
      default: return
      }
    }
  }

  public func status(of t: Int, in state: State) -> StepStatus {
    let pc = state[pc: t]
    guard pc < threads[t].count else { return .finished }
    var footprint = Footprint()
    switch threads[t][pc] {
    case .load(_, let x):
      footprint.insert(object: x, mode: .read)
    case .store(let x, _):
      footprint.insert(object: x, mode: .write)
    case .compareExchange(_, let x, _, _):
      footprint.insert(object: x, mode: .readModifyWrite)
    case .lock(let l):
      footprint.insert(object: variableCount + l, mode: .acquire)
      if state[owner: l] != -1 { return .blocked(footprint) }
    case .unlock(let l):
      footprint.insert(object: variableCount + l, mode: .release)
    case .choose(_, let count):
      return .enabled(footprint, choices: count)
    case .assertEqual:
      break
    case .jumpIfEqual, .jump:
      preconditionFailure("settle leaves no thread at a local instruction")
    }
    return .enabled(footprint, choices: 1)
  }

  public func execute(thread t: Int, choice: Int, in state: inout State) -> Violation? {
    var violation: Violation? = nil
    switch threads[t][state[pc: t]] {
    case .load(let r, let x): state[thread: t, register: r] = state[variable: x]
    case .store(let x, let v): state[variable: x] = value(v, t, state)
    case .compareExchange(let r, let x, let expected, let new):
      if state[variable: x] == value(expected, t, state) {
        state[variable: x] = value(new, t, state)
        state[thread: t, register: r] = 1
      } else {
        state[thread: t, register: r] = 0
      }
    case .lock(let l): state[owner: l] = t
    case .unlock(let l):
      if state[owner: l] == t {
        state[owner: l] = -1
      } else {
        violation = Violation(
          kind: "lock-misuse", message: "t\(t) unlocks l\(l), which it does not hold")
      }
    case .choose(let r, _): state[thread: t, register: r] = choice
    case .assertEqual(let r, let v, let message):
      if state[thread: t, register: r] != v {
        violation = Violation(
          kind: "assertion", message: "t\(t): \(message) (r\(r) = \(state[thread: t, register: r]))")
        state[pc: t] = threads[t].count
        return violation
      }
    case .jumpIfEqual, .jump: preconditionFailure("settle leaves no thread at a local instruction")
    }
    state[pc: t] += 1
    settle(t, &state)
    return violation
  }

  public func checkFinal(_ state: State) -> Violation? {
    for expectation in finalExpectations
    where state[variable: expectation.variable] != expectation.value {
      return Violation(
        kind: "assertion",
        message:
          "\(expectation.message) (x\(expectation.variable) = \(state[variable: expectation.variable]))"
      )
    }
    return nil
  }

  public func describeStep(of thread: Int, in state: State) -> String {
    let pc = state[pc: thread]
    return pc < threads[thread].count ? "\(threads[thread][pc])" : "done"
  }

  public var description: String {
    var lines = ["\(name): \(variableCount) variables, \(lockCount) locks"]
    if initialValues.contains(where: { $0 != 0 }) {
      lines.append(
        "  initially " + initialValues.enumerated().map { "x\($0) = \($1)" }.joined(separator: ", ")
      )
    }
    for expectation in finalExpectations {
      lines.append("  expect x\(expectation.variable) == \(expectation.value) at the end")
    }
    for (t, code) in threads.enumerated() {
      lines.append("  t\(t):")
      for (pc, instruction) in code.enumerated() { lines.append("    \(pc): \(instruction)") }
    }
    return lines.joined(separator: "\n")
  }
}

extension MiniProgram.Operand: CustomStringConvertible {
  public var description: String {
    switch self {
    case .constant(let c): return "\(c)"
    case .register(let r, let plus): return plus == 0 ? "r\(r)" : "r\(r) + \(plus)"
    }
  }
}

extension MiniProgram.Instruction: CustomStringConvertible {
  /// The instruction in a C-like form, so that a failing generated program reads at a glance.
  public var description: String {
    switch self {
    case .load(let r, let x): return "r\(r) = x\(x)"
    case .store(let x, let value): return "x\(x) = \(value)"
    case .compareExchange(let r, let x, let expected, let new):
      return "r\(r) = cas(x\(x), \(expected), \(new))"
    case .lock(let l): return "lock(l\(l))"
    case .unlock(let l): return "unlock(l\(l))"
    case .choose(let r, let count): return "r\(r) = choose(\(count))"
    case .jumpIfEqual(let r, let value, let target): return "if r\(r) == \(value) goto \(target)"
    case .jump(let target): return "goto \(target)"
    case .assertEqual(let r, let value, let message):
      return "assert r\(r) == \(value) // \(message)"
    }
  }
}
