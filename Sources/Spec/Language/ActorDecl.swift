// The actor catalogue's syntax tree (docs/language.md §7a): each actor of PROTOCOL.md §10
// declared once, from which ScenarioSynthesis builds the pairs and triples.

/// When in the TD's life an actor can run, by KVM's own state (`kvm_tdx->state`).
public enum ActorPhase: String, Sendable, CaseIterable {
  /// Before KVM_TDX_FINALIZE_VM: KVM's state INITIALIZED (`td_initialized()` sets it up).
  case beforeFinalize = "before_finalize"
  /// After finalization: RUNNABLE, the model's default initial state.
  case afterFinalize = "after_finalize"
  /// Either.
  case any

  /// The phases a scenario with this actor can be in.
  var phases: [ActorPhase] { self == .any ? [.afterFinalize, .beforeFinalize] : [self] }
}

/// `actor name(vcpu, gfn) { phase ...; guest; memory ...; zaps ...; init {...} run {...} }`.
struct ActorDecl: Sendable {
  var name: String
  var location: SourceLocation
  var nameStart: Int
  var nameEnd: Int
  /// A subset of `vcpu` and `gfn`, which synthesis binds.
  var parameters: [Parameter]
  var phase: ActorPhase = .any
  /// A vCPU in the guest: the triples are built around it.
  var isGuest = false
  /// What the actor's GFN must be, `private` or `shared`; nil when either will do. Two actors on
  /// one GFN that need different memory are not combined.
  var memory: String?
  /// The roots the actor zaps (`mirror`, `direct`): its filter, PROTOCOL.md §6.
  var zaps: [String] = []
  /// `with a, b;`: the only actors this one runs against (nil: any).
  var partners: [String]?
  var initBlock: Stmt?
  var run: Stmt

  var takesVCPU: Bool { parameters.contains { $0.name == "vcpu" } }
  var takesGFN: Bool { parameters.contains { $0.name == "gfn" } }
  /// Whether the actor zaps private memory, so that a vCPU in the guest gets kicked.
  var zapsMirror: Bool { zaps.contains("mirror") }

  /// Whether the two can run at the same time: neither restricts its partners, or one names
  /// the other.
  func runs(with other: ActorDecl) -> Bool {
    if partners == nil && other.partners == nil { return true }
    return partners?.contains(other.name) == true || other.partners?.contains(name) == true
  }
}

/// `finding NAME violation KIND, ...;`: a synthesized scenario that finds a violation of
/// upstream behaviour, expected until upstream fixes it.
struct FindingDecl: Sendable {
  var scenario: String
  var location: SourceLocation
  var kind: String
  var kindLocation: SourceLocation
  var alsoExpected: [(kind: String, location: SourceLocation)] = []
}
