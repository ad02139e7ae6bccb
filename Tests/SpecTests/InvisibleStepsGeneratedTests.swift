import Explorer
import Foundation
import Testing

@testable import Spec

/// Invisible steps on generated `.ept` programs: threads that share some variables and not
/// others, take spinlocks and rwlocks around some accesses, pass pointers to helpers, spin in
/// retry loops and raise warnings. For each, the whole state graph with every scheduling point a
/// step and the one with invisible steps must end in the same final states with the same
/// violations, and every footprint and lock the analyses claim must hold in every state.
@Suite struct InvisibleStepsGeneratedTests {
  struct Generator {
    var rng: SplitMix64
    var variables = ["x0", "x1", "x2", "a[0]", "a[1]"]
    /// The locks held around the statement being generated (no lock is taken twice).
    var held: Set<String> = []
    /// Whether the thread may wait for `go` (every thread but the one that sets it).
    var waits = false
    /// Whether statements may be `select`s (a later kind: off, the programs are the old ones).
    var selects = false

    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    mutating func variable() -> String { variables[below(variables.count)] }

    /// One statement; `depth` bounds nesting.
    mutating func statement(_ depth: Int) -> String {
      switch below(depth > 0 ? (selects ? 12 : 11) : 7) {
      case 0: return "WRITE_ONCE(\(variable()), \(below(3)));"
      case 1: return "r = READ_ONCE(\(variable()));"
      case 2: return "bump(&\(variable()));"
      case 3: return "WARN_ON(READ_ONCE(\(variable())) == \(1 + below(2)));"
      case 4: return "atomic { \(variable()) = r + 1; }"
      case 5: return "r = r + 1;"
      case 6: return waits ? "while (READ_ONCE(go) == 0) bound 2 { r = 1; }" : "r = READ_ONCE(go);"
      case 7: return locked("l", "spin_lock", "spin_unlock", depth)
      case 8: return locked("m", "read_lock", "read_unlock", depth)
      case 9: return locked("m", "write_lock", "write_unlock", depth)
      case 11:
        let first = "when (READ_ONCE(\(variable())) == \(below(2))) { \(block(depth - 1)) }"
        let second = "when (\(variable()) != r) { \(block(depth - 1)) }"
        let last = below(2) == 0 ? "else { r = 2; }" : "when (READ_ONCE(go) == 1) { r = 3; }"
        return "select { \(first) \(second) \(last) }"
      default: return "if (READ_ONCE(\(variable())) == \(below(2))) { \(block(depth - 1)) }"
      }
    }

    mutating func locked(_ lock: String, _ take: String, _ release: String, _ depth: Int) -> String
    {
      guard !held.contains(lock) else { return "r = READ_ONCE(\(variable()));" }
      held.insert(lock)
      defer { held.remove(lock) }
      return "\(take)(&\(lock)); \(block(depth - 1)) \(release)(&\(lock));"
    }

    mutating func block(_ depth: Int) -> String {
      (0..<(1 + below(2))).map { _ in statement(depth) }.joined(separator: " ")
    }

    mutating func program() -> String {
      let threads = 2 + below(2)
      var source = """
        shared int x0;
        shared int x1;
        shared int x2;
        shared int a[2];
        shared int go;
        spinlock l;
        rwlock m;
        void bump(int *p) { WRITE_ONCE(*p, READ_ONCE(*p) + 1); }

        """
      for t in 0..<threads {
        waits = t > 0
        let body = "\(block(2)) \(block(1))"
        source += "void t\(t)() { int r = 0; \(t == 0 ? "WRITE_ONCE(go, 1); " : "")\(body) }\n"
      }
      source += "scenario s {\n"
      for t in 0..<threads { source += "    thread t\(t) = t\(t)();\n" }
      source += "    expect ok;\n}\n"
      return source
    }
  }

  static let seeds = Array(0..<100)

  @Test(arguments: seeds)
  func invisibleStepsLoseNothing(_ seed: Int) throws {
    try check(seed, selects: false)
  }

  @Test(arguments: seeds)
  func invisibleStepsLoseNothingWithSelects(_ seed: Int) throws {
    try check(seed, selects: true)
  }

  func check(_ seed: Int, selects: Bool) throws {
    var generator = Generator(rng: SplitMix64(seed: UInt64(seed)))
    generator.selects = selects
    let source = generator.program()
    let spec = try LoadedSpec.load(source: source, file: "g\(seed).ept", library: .kvm)
    let scenario = try #require(spec.scenarios.first)
    let fine = spec.system(for: scenario, loopBounds: false, invisibleSteps: false)
    let coarse = spec.system(for: scenario, loopBounds: false)
    let pointers = PointerAnalysis(program: fine.program)
    let statics = StaticFootprints(program: fine.program, pointers: pointers)
    let locks = LockSets(program: fine.program, scenario: fine.scenario, pointers: pointers)
    var wrong: Set<String> = []
    let every = InvisibleStepsTests.walk(fine) { state, t, status in
      guard case .enabled(let footprint, _) = status else { return }
      let pc = Int(state.threads[t].thread.pc)
      if let bound = statics.stepFootprint(at: pc), !InvisibleStepsTests.covers(bound, footprint) {
        wrong.insert("footprint at \(fine.program.sites[pc].location)")
      }
      for (lock, _) in (locks.held(by: t, at: pc) ?? LockMask.empty).locks
      where state.cells[lock].bits == 0 {
        wrong.insert("lock \(fine.program.cells[lock].name) at \(fine.program.sites[pc].location)")
      }
    }
    let reduced = InvisibleStepsTests.walk(coarse)
    #expect(wrong.sorted() == [], "\(source)")
    #expect(reduced.finalStates == every.finalStates, "\(source)")
    #expect(reduced.violations == every.violations, "\(source)")
    // Each state the coarse graph reaches is one of the fine graph's.
    #expect(reduced.states <= every.states)
  }
}
