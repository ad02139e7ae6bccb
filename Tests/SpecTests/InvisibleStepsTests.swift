import Explorer
import Foundation
import Testing

@testable import Spec

/// Invisible steps (see InvisibleSteps) must lose nothing: the static footprints and lock sets
/// they rest on must hold in every state (each access within its footprint, each lock said held
/// held), and running them inside the step before them must reach the same final states and the
/// same violations. Checked on every scenario of `specs/` (mainline, and each bug on its release)
/// and on every check fixture, by walking each scenario's whole state graph with and without them.
@Suite struct InvisibleStepsTests {
  /// Every scenario of `specs/` and of the check fixtures, with the spec it comes from.
  static let cases: [Case] = {
    var cases: [Case] = []
    let specs = try! LoadedSpec.load(paths: [
      ManifestTests.root.appendingPathComponent("specs").path
    ])
    for scenario in specs.scenarios { cases.append(Case(spec: specs, scenario: scenario)) }
    // The bug corpus, each variant on its own release (a variant named alone runs there).
    let bugs = ManifestTests.root.appendingPathComponent("specs/bugs")
    for file in try! FileManager.default.contentsOfDirectory(atPath: bugs.path).sorted()
    where file.hasSuffix(".ept") {
      let spec = try! LoadedSpec.load(paths: [bugs.appendingPathComponent(file).path])
      for scenario in spec.scenarios { cases.append(Case(spec: spec, scenario: scenario)) }
    }
    let fixtures = try! FileManager.default.contentsOfDirectory(
      atPath: CheckKindTests.fixtures.path
    )
    .filter { $0.hasSuffix(".ept") }.sorted()
    for file in fixtures {
      let spec = try! LoadedSpec.load(paths: [
        CheckKindTests.fixtures.appendingPathComponent(file).path
      ])
      for scenario in spec.scenarios { cases.append(Case(spec: spec, scenario: scenario)) }
    }
    return cases
  }()

  struct Case: Sendable, CustomStringConvertible {
    var spec: LoadedSpec
    var scenario: ScenarioInfo
    var description: String { scenario.name }
  }

  /// What a state graph ends in: each final state's cells and threads, and every violation; and
  /// how many states it has.
  struct Ends: Equatable {
    var finalStates: Set<[Value]>
    var violations: Set<String>
    var states = 0
  }

  /// Walks every state reachable from the initial one (loop bounds off, so the graph is finite).
  /// `visit` sees each state and each thread's status in it.
  static func walk(
    _ system: ScenarioSystem,
    visit: (ScenarioSystem.State, Int, StepStatus) -> Void = { _, _, _ in }
  ) -> Ends {
    var seen: Set<ScenarioSystem.State> = [system.initialState]
    var work = [system.initialState]
    var ends = Ends(finalStates: [], violations: [])
    if let v = system.checkFinal(system.initialState), system.threadCount == 0 {
      ends.violations.insert(v.description)
    }
    while let state = work.popLast() {
      ends.states += 1
      var moved = false
      for t in 0..<system.threadCount {
        let status = system.status(of: t, in: state)
        visit(state, t, status)
        guard case .enabled(_, let choices) = status else { continue }
        moved = true
        for choice in 0..<choices {
          var next = state
          if let v = system.execute(thread: t, choice: choice, in: &next) {
            ends.violations.insert(v.description)
          }
          if seen.insert(next).inserted { work.append(next) }
        }
      }
      if !moved {
        if let v = system.checkFinal(state) { ends.violations.insert(v.description) }
        var end = state.cells.values
        for t in 0..<system.threadCount {
          end.append(.int(Int64(state.threads[t].thread.pc)))
          end.append(state.threads[t].thread.result)
        }
        ends.finalStates.insert(end)
      }
    }
    return ends
  }

  /// Whether `footprint` lies within `bound`: each object it touches is in `bound`, and each it
  /// touches exclusively is exclusive there.
  static func covers(_ bound: Footprint, _ footprint: Footprint) -> Bool {
    let all = bound.shared | bound.exclusive
    return (footprint.shared | footprint.exclusive) & ~all == .zero
      && footprint.exclusive & ~bound.exclusive == .zero
  }

  @Test(arguments: cases)
  func staticFootprintsCoverEveryStep(_ c: Case) throws {
    let system = c.spec.system(for: c.scenario, loopBounds: false, invisibleSteps: false)
    let pointers = PointerAnalysis(program: system.program)
    let statics = StaticFootprints(program: system.program, pointers: pointers)
    let summaries = (0..<system.threadCount).map {
      statics.union(of: statics.reachable(from: Int(system.scenario.threads[$0].function)))
    }
    let locks = LockSets(program: system.program, scenario: system.scenario, pointers: pointers)
    var uncovered: Set<String> = []
    _ = Self.walk(system) { state, t, status in
      let footprint: Footprint
      switch status {
      case .finished: return
      case .blocked(let f), .enabled(let f, _): footprint = f
      }
      let pc = Int(state.threads[t].thread.pc)
      let site = system.program.sites[pc]
      // The locks the analysis says the thread holds here, it holds, in at least that mode.
      for (lock, exclusive) in (locks.held(by: t, at: pc) ?? LockMask.empty).locks {
        let bits = state.cells[lock].bits
        let holds: Bool
        switch system.program.cells[lock].kind {
        case .spinlock: holds = bits == Int64(t) + 1
        case .rwlock:
          let writes = bits == Library.writerBit | Int64(t) << 33
          holds =
            writes || (!exclusive && bits & Library.writerBit == 0 && bits & (1 << Int64(t)) != 0)
        case .value, .rcu: holds = false
        }
        if !holds {
          uncovered.insert(
            "\(system.threadName(t)) at \(site.location) \(site.text): does not hold \(system.program.cells[lock].name)"
          )
        }
      }
      if !Self.covers(summaries[t], footprint) {
        uncovered.insert(
          "\(system.threadName(t)) at \(site.location) \(site.text): outside the thread")
      }
      if let step = statics.stepFootprint(at: pc), !Self.covers(step, footprint) {
        uncovered.insert(
          "\(system.threadName(t)) at \(site.location) \(site.text): outside the step")
      }
    }
    #expect(uncovered.sorted() == [])
  }

  @Test(arguments: cases)
  func invisibleStepsKeepFinalStatesAndViolations(_ c: Case) throws {
    let every = Self.walk(c.spec.system(for: c.scenario, loopBounds: false, invisibleSteps: false))
    let coarse = Self.walk(c.spec.system(for: c.scenario, loopBounds: false))
    #expect(coarse.finalStates == every.finalStates)
    #expect(coarse.violations == every.violations)
    #expect(coarse.states <= every.states)
  }

  static let readers = """
    rwlock l;
    shared int x;
    shared int y;
    void r0() { read_lock(&l); WRITE_ONCE(x, 1); read_unlock(&l); }
    void r1() { read_lock(&l); WRITE_ONCE(y, 1); read_unlock(&l); }
    void w() { write_lock(&l); write_unlock(&l); }
    scenario readers { thread a = r0(); thread b = r1(); expect ok; }
    scenario writer { thread a = r0(); thread b = r1(); thread c = w(); expect ok; }
    """

  /// Readers that share only a lock no one takes for write commute entirely: both run to the end
  /// before the first step.
  @Test func readersAloneAreInvisible() throws {
    let spec = try LoadedSpec.load(source: Self.readers, file: "r.ept")
    let system = spec.system(for: try #require(spec.scenario(named: "readers")))
    #expect(system.status(of: 0, in: system.initialState) == .finished)
    #expect(system.status(of: 1, in: system.initialState) == .finished)
    #expect(system.value(of: "x", in: system.initialState) == .int(1))
    #expect(
      system.invisibleStepsAtStart.map { $0.map(\.operation) } == [
        ["read_lock(&l)", "WRITE_ONCE(x, 1)", "read_unlock(&l)"],
        ["read_lock(&l)", "WRITE_ONCE(y, 1)", "read_unlock(&l)"],
      ])
  }

  /// A writer makes the lock operations visible; the store to `x`, which only `a` touches, still
  /// runs inside the step before it.
  @Test func aWriterMakesTheLockVisible() throws {
    let spec = try LoadedSpec.load(source: Self.readers, file: "r.ept")
    let system = spec.system(for: try #require(spec.scenario(named: "writer")))
    var state = system.initialState
    #expect(system.stepInfo(of: 0, in: state)?.operation == "read_lock(&l)")
    #expect(
      system.invisibleSteps(after: 0, choice: 0, in: state).map(\.operation) == ["WRITE_ONCE(x, 1)"]
    )
    _ = system.execute(thread: 0, choice: 0, in: &state)
    #expect(system.value(of: "x", in: state) == .int(1))
    #expect(system.stepInfo(of: 0, in: state)?.operation == "read_unlock(&l)")
    #expect(system.stepInfo(of: 2, in: state)?.operation == "write_lock(&l)")
  }

  /// Every iteration of a retry loop keeps a visible step, so that a livelock stays a cycle of
  /// states; and a violation of an invisible step before the first step is still reported.
  @Test func retryLoopsKeepAStepAndViolationsAreKept() throws {
    let spec = try LoadedSpec.load(
      source: """
        shared int x;
        spinlock l;
        void spin() { while (READ_ONCE(x) == 0) bound 3 { } }
        void unlock() { spin_unlock(&l); }
        scenario spins { thread t = spin(); expect violation unbounded-retry; }
        scenario unlocks { thread t = unlock(); expect violation lock-misuse; }
        """, file: "l.ept")
    let spins = spec.system(for: try #require(spec.scenario(named: "spins")), loopBounds: false)
    #expect(spins.stepInfo(of: 0, in: spins.initialState)?.operation == "READ_ONCE(x)")
    let cycle = try Explorer.explore(
      spins, configuration: Configuration(strategy: .stateful(shortest: true)))
    #expect(cycle.counterexamples.map(\.violation.kind) == ["unbounded-retry"])
    #expect(cycle.counterexamples.first?.trace.steps.count == 1)
    // Under dpor the loop's bound cuts the one execution: a bound is no livelock.
    let bounded = try Explorer.explore(
      spec.system(for: try #require(spec.scenario(named: "spins"))),
      configuration: Configuration(strategy: .dpor))
    #expect(bounded.counterexamples.isEmpty)
    #expect(bounded.statistics.executions == 1)
    #expect(bounded.statistics.cutExecutions == 1)
    #expect(bounded.statistics.loopBoundCuts == 1)
    let unlocks = try Explorer.explore(
      spec.system(for: try #require(spec.scenario(named: "unlocks"))),
      configuration: Configuration(strategy: .dpor))
    #expect(
      unlocks.counterexamples.map(\.violation.message) == [
        "t in unlock at l.ept:4:17: spin_unlock(&l): the lock is not held"
      ])
  }
}
