import Explorer
import Foundation
import Spec
import Testing

/// Random `.ept` programs explored with optimal DPOR and with plain DFS reach the same final
/// states and the same violations: a footprint that missed an object would make DPOR skip an
/// interleaving and lose a final state.
@Suite struct DifferentialTests {
  struct Rng {
    var generator: SplitMix64
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(generator.next() % UInt64(n)) }
    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }
  }

  static func statement(_ rng: inout Rng, allowed: Set<Int>) -> String {
    let v = rng.pick(["x", "y", "a[0]", "a[1]"])
    let w = rng.pick(["x", "y", "a[0]", "a[1]"])
    let c = rng.below(3)
    // Kind 14 (select) came later: programs without it draw from the old range, unchanged.
    let kinds = allowed.contains(14) ? 15 : 14
    var kind = rng.below(kinds)
    while !allowed.contains(kind) { kind = rng.below(kinds) }
    switch kind {
    case 0: return "WRITE_ONCE(\(v), \(c));"
    case 1: return "r = READ_ONCE(\(v));"
    case 2: return "\(v) = r + \(c);"
    case 3: return "if (!try_cmpxchg(&\(v), &r, \(c))) r = r + 1;"
    case 4: return "r = xchg(&\(v), r + 1);"
    case 5: return "atomic { \(v) = \(w) + 1; }"
    case 6: return "spin_lock(&l); \(v) = \(v) + 1; spin_unlock(&l);"
    case 7: return "await (\(v) != \(c) || \(w) == 0);"
    case 8: return "if (READ_ONCE(\(v)) == \(c)) WRITE_ONCE(\(w), \(c + 1));"
    case 9: return "read_lock(&m); r = \(v); read_unlock(&m);"
    case 10: return "write_lock(&m); \(v) = 2; write_unlock(&m);"
    case 11: return "atomic_inc(&\(v));"
    case 12: return "r = choose(2); WRITE_ONCE(\(v), r);"
    case 14: return select(&rng, v, w, c)
    default: return "r = r + \(c);"
    }
  }

  /// A `select` of one to three guarded alternatives over shared reads, sometimes with `else`;
  /// bodies write, read, or change only locals.
  static func select(_ rng: inout Rng, _ v: String, _ w: String, _ c: Int) -> String {
    let guards = [
      "READ_ONCE(\(v)) == \(c)", "\(w) != \(c)", "READ_ONCE(\(v)) > r", "r == \(c)",
      "READ_ONCE(\(w)) == 0 && \(v) != 1",
    ]
    let bodies = [
      "WRITE_ONCE(\(w), \(c + 1));", "r = READ_ONCE(\(v));", "r = r + \(c + 1);",
      "\(v) = r + 1;",
    ]
    var text = "select {"
    for _ in 0..<(1 + rng.below(3)) {
      text += " when (\(rng.pick(guards))) { \(rng.pick(bodies)) }"
    }
    if rng.below(3) == 0 { text += " else { \(rng.pick(bodies)) }" }
    return text + " }"
  }

  static func program(_ rng: inout Rng, allowed: Set<Int>) -> String {
    let threads = 2 + rng.below(2)
    var source = "shared int x; shared int y; shared int a[2]; spinlock l; rwlock m;\n"
    for t in 0..<threads {
      source += "int f\(t)() {\n    int r = 0;\n"
      for _ in 0..<(1 + rng.below(2)) {
        source += "    " + statement(&rng, allowed: allowed) + "\n"
      }
      source += "    return r;\n}\n"
    }
    source += "scenario s {\n"
    for t in 0..<threads { source += "    thread t\(t) = f\(t)();\n" }
    source += "    finally { assert(t0 < 5); }\n    expect ok;\n}\n"
    return source
  }

  static func explore(_ system: ScenarioSystem, _ strategy: Strategy) throws -> (
    Set<ScenarioSystem.State>, Set<String>, Int
  ) {
    var finals: Set<ScenarioSystem.State> = []
    let result = try Explorer.explore(
      system,
      configuration: Configuration(strategy: strategy, shrink: false, countDistinctStates: false),
      observer: { record in
        if record.ending != .sleepSetBlocked { finals.insert(record.finalState) }
      })
    return (
      finals, Set(result.counterexamples.map(\.violation.kind)), result.statistics.sleepSetBlocked
    )
  }

  @Test(arguments: [
    ("no await", Set(0..<14).subtracting([7])),
    ("await", Set(0..<14)),
    ("select", Set(0..<15)),
    ("select only", Set([0, 1, 14])),
  ])
  func dporAgreesWithDFS(_ name: String, _ allowed: Set<Int>) throws {
    var rng = Rng(generator: SplitMix64(seed: 0xD1FF))
    var programs = 0
    for _ in 0..<30 {
      let source = Self.program(&rng, allowed: allowed)
      let spec = try LoadedSpec.load(source: source, file: "diff.ept")
      let system = spec.system(for: spec.scenarios[0])
      let dpor = try Self.explore(system, .dpor)
      let dfs = try Self.explore(system, .dfs)
      #expect(dpor.0 == dfs.0, "final states differ for\n\(source)")
      #expect(dpor.1 == dfs.1, "violations differ for\n\(source)")
      #expect(dpor.2 == 0, "sleep-set blocked executions for\n\(source)")
      programs += 1
    }
    #expect(programs == 30)
  }

  /// `y` is read only when `x == 1`: without the static footprint of the `await`, the path-
  /// dependent footprint cost optimal DPOR a sleep-set-blocked execution.
  @Test func awaitWithShortCircuitIsOptimal() throws {
    let source = """
      shared int x; shared int y;
      void f0() { WRITE_ONCE(y, 2); }
      void f1() { await (x != 1 || y == 0); }
      void f2() { WRITE_ONCE(x, 1); }
      scenario s { thread t0 = f0(); thread t1 = f1(); thread t2 = f2(); expect ok; }
      """
    let spec = try LoadedSpec.load(source: source, file: "a.ept")
    let system = spec.system(for: spec.scenarios[0])
    let dpor = try Self.explore(system, .dpor)
    let dfs = try Self.explore(system, .dfs)
    #expect(dpor.2 == 0)
    #expect(dpor.0 == dfs.0)
    #expect(dpor.1 == ["deadlock"])
  }
}
