// Scenario synthesis (issue 16): the pairs and triples of the actor catalogue's actors over the
// small configurations that matter, each with a stable name.

/// How much of the catalogue `eptcheck` turns into scenarios.
public enum Synthesis: String, Sendable, CaseIterable {
  /// Hand-written scenarios only.
  case none
  /// Every pair of actors.
  case pairs
  /// The pairs, and every triple of a vCPU in the guest, an actor that zaps private memory (so
  /// that the vCPU is kicked) and a fault.
  case triples
}

/// Builds scenarios from actors: an actor `a(vcpu, gfn)` becomes a function `a` (its `run`
/// block) and `a.init` (its `init` block), and each combination a scenario whose threads run
/// them with constant arguments.
///
/// The configurations: the GFNs (the first actor on GFN 1, the second on the same GFN, on its
/// sibling 0 under one leaf table, or on 2 under the other table), and the phase (after
/// finalization, or before it with `td_initialized()` in `init`). Pairs are unordered (an actor
/// pair is built once, in catalogue order), so swapping two threads, the one symmetry of the
/// model that renames nothing, is never checked twice.
struct ScenarioSynthesis {
  let actors: [(actor: ActorDecl, file: String)]
  let vcpus: Int

  /// The GFN the first actor of a combination works on, and the others' by configuration.
  static let firstGFN: Int64 = 1
  static let configurations: [(suffix: String, gfn: Int64)] = [
    ("same_gfn", 1), ("sibling_gfn", 0), ("other_table", 2),
  ]

  /// The function an actor's `run` block becomes, named as the actor.
  static func runFunction(_ actor: ActorDecl) -> FunctionDecl {
    FunctionDecl(
      name: actor.name, location: actor.location,
      returnType: TypeRef(name: "void", isPointer: false, location: actor.location),
      parameters: actor.parameters.map {
        Parameter(
          type: $0.type ?? TypeRef(name: "int", isPointer: false, location: $0.location),
          name: $0.name, location: $0.location)
      }, body: actor.run, isOverride: false, kernel: nil)
  }

  /// The function an actor's `init` block becomes, nil without one.
  static func initFunction(_ actor: ActorDecl) -> FunctionDecl? {
    guard let block = actor.initBlock else { return nil }
    var function = runFunction(actor)
    function.name = actor.name + ".init"
    function.body = block
    return function
  }

  /// One actor's place in a scenario.
  struct Member {
    var actor: ActorDecl
    var gfn: Int64?
  }

  /// The scenarios of `level`, in a deterministic order: pairs, then triples.
  func scenarios(_ level: Synthesis) -> [ScenarioDecl] {
    guard level != .none else { return [] }
    var result: [ScenarioDecl] = []
    let all = actors.map(\.actor)
    for i in all.indices {
      for j in i..<all.count {
        let a = all[i]
        let b = all[j]
        let configurations: [(String?, Int64?)] =
          a.takesGFN && b.takesGFN ? Self.configurations.map { ($0.suffix, $0.gfn) } : [(nil, nil)]
        for (suffix, gfn) in configurations {
          let members = [
            Member(actor: a, gfn: a.takesGFN ? Self.firstGFN : nil),
            Member(actor: b, gfn: b.takesGFN ? (gfn ?? Self.firstGFN) : nil),
          ]
          result += build("pair", members, suffix: suffix)
        }
      }
    }
    guard level == .triples else { return result }
    for (g, guest) in all.enumerated() where guest.isGuest {
      for (z, zap) in all.enumerated() where !zap.isGuest && zap.zapsMirror {
        for (x, fault) in all.enumerated()
        where !fault.isGuest && !fault.zapsMirror && fault.takesVCPU {
          let configurations: [(String?, Int64?)] =
            fault.takesGFN ? Self.configurations.map { ($0.suffix, $0.gfn) } : [(nil, nil)]
          for (suffix, gfn) in configurations {
            var members = [
              (g, Member(actor: guest, gfn: guest.takesGFN ? Self.firstGFN : nil)),
              (z, Member(actor: zap, gfn: zap.takesGFN ? Self.firstGFN : nil)),
              (x, Member(actor: fault, gfn: fault.takesGFN ? gfn : nil)),
            ]
            members.sort { $0.0 < $1.0 }
            result += build("triple", members.map(\.1), suffix: suffix)
          }
        }
      }
    }
    return result
  }

  /// The scenario of these members in each phase they share; none when two of them need
  /// different memory at one GFN or there are not enough vCPUs.
  func build(_ kind: String, _ members: [Member], suffix: String?) -> [ScenarioDecl] {
    for m in members {
      for n in members where m.gfn != nil && m.gfn == n.gfn {
        if let x = m.actor.memory, let y = n.actor.memory, x != y { return [] }
      }
    }
    guard members.filter(\.actor.takesVCPU).count <= vcpus else { return [] }
    for m in members {
      for n in members where m.actor.name != n.actor.name && !m.actor.runs(with: n.actor) {
        return []
      }
    }
    // An actor that names its partners does not run against itself either.
    if members.count > 1, members.contains(where: { $0.actor.partners != nil }),
      Set(members.map(\.actor.name)).count < members.count
    {
      return []
    }
    let phases = ActorPhase.allCases.filter { phase in
      phase != .any && members.allSatisfy { $0.actor.phase.phases.contains(phase) }
    }
    var name = kind + "_" + members.map(\.actor.name).joined(separator: "_")
    if let suffix { name += "_" + suffix }
    return phases.map { phase in
      scenario(
        named: phase == .beforeFinalize ? name + "_before_finalize" : name, members, phase: phase)
    }
  }

  func scenario(named name: String, _ members: [Member], phase: ActorPhase) -> ScenarioDecl {
    let first = members[0].actor
    func expr(_ kind: Expr.Kind, _ actor: ActorDecl) -> Expr {
      Expr(kind: kind, location: actor.location, start: actor.nameStart, end: actor.nameEnd)
    }
    // vCPU numbers from the last down, guests last: the premapping helpers use vCPU 0's page
    // table cache, so a fault that links a table takes another vCPU's, as a real cache's page
    // is never one already in use.
    var numbers: [Int64] = []
    var next = Int64(vcpus - 1)
    for member in members.sorted(by: { !$0.actor.isGuest && $1.actor.isGuest })
    where member.actor.takesVCPU {
      _ = member
      numbers.append(next)
      next -= 1
    }
    var vcpuOf: [Int: Int64] = [:]
    var k = 0
    for (i, member) in members.enumerated() where !member.actor.isGuest && member.actor.takesVCPU {
      vcpuOf[i] = numbers[k]
      k += 1
    }
    for (i, member) in members.enumerated() where member.actor.isGuest && member.actor.takesVCPU {
      vcpuOf[i] = numbers[k]
      k += 1
    }
    var threads: [ThreadDecl] = []
    var inits: [Stmt] = []
    var guestInits: [Stmt] = []
    if phase == .beforeFinalize {
      inits.append(
        Stmt(
          kind: .expression(expr(.call(name: "td_initialized", arguments: []), first)),
          location: first.location))
    }
    for (i, member) in members.enumerated() {
      let actor = member.actor
      var arguments: [Argument] = []
      for parameter in actor.parameters {
        let value: Int64
        if parameter.name == "vcpu" {
          value = vcpuOf[i] ?? 0
        } else {
          value = member.gfn ?? Self.firstGFN
        }
        arguments.append(Argument(label: nil, value: expr(.integer(value), actor)))
      }
      var threadName = actor.name
      var n = 2
      while threads.contains(where: { $0.name == threadName }) {
        threadName = actor.name + "_\(n)"
        n += 1
      }
      threads.append(
        ThreadDecl(
          name: threadName, location: actor.location, function: actor.name,
          functionLocation: actor.location, arguments: arguments))
      if actor.initBlock != nil {
        let call = Stmt(
          kind: .expression(expr(.call(name: actor.name + ".init", arguments: arguments), actor)),
          location: actor.location)
        // A guest's page state (pending, accepted) is set last, over the others' premapping.
        if actor.isGuest { guestInits.append(call) } else { inits.append(call) }
      }
    }
    let block = Stmt(kind: .block(inits + guestInits), location: first.location)
    var decl = ScenarioDecl(
      name: name, location: first.location, initBlock: block, threads: threads,
      expectation: .ok, expectationLocation: first.location, finallyBlock: nil)
    decl.isSynthesized = true
    return decl
  }
}
