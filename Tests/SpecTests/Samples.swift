/// Valid programs that exercise most of the language, for interpreter and fuzz tests.
enum Samples {
  static let tdpLike = """
    // A miniature of the TDP MMU install path: freeze, "SEAMCALL", publish or restore.
    rwlock mmu_lock;
    spinlock stats_lock;
    shared u64 spte[2] = {SHADOW_NONPRESENT_VALUE, SHADOW_NONPRESENT_VALUE};
    shared int installs = 0;
    shared bool busy = false;
    const int LEVELS = 2;

    @kernel("arch/x86/kvm/vmx/tdx.c", "tdx_sept_set_private_spte")
    int seamcall(int gfn) {
        if (choose(2) == 1)
            return -EBUSY;
        return 0;
    }

    @kernel("arch/x86/kvm/mmu/tdp_mmu.c", "set_external_spte_present")
    int set_external_spte_present(u64 *sptep, int gfn, u64 old_spte, u64 new_spte) {
        KVM_BUG_ON(old_spte == FROZEN_SPTE, kvm);
        if (!try_cmpxchg64(sptep, &old_spte, FROZEN_SPTE))
            return -EBUSY;
        int ret = seamcall(gfn);
        WRITE_ONCE(*sptep, ret ? old_spte : new_spte);
        return ret;
    }

    @kernel("arch/x86/kvm/mmu/tdp_mmu.c", "kvm_tdp_mmu_map")
    int fault(int gfn) {
        int ret = RET_PF_RETRY;
        read_lock(&mmu_lock);
        rcu_read_lock();
        u64 old = READ_ONCE(spte[gfn]);
        if (old == FROZEN_SPTE) {
            ret = RET_PF_RETRY;
        } else if (old != SHADOW_NONPRESENT_VALUE) {
            ret = RET_PF_SPURIOUS;
        } else if (set_external_spte_present(&spte[gfn], gfn, old, 7) == 0) {
            ret = RET_PF_FIXED;
            atomic_inc(&installs);
        }
        rcu_read_unlock();
        read_unlock(&mmu_lock);
        return ret;
    }

    void vcpu(int gfn) {
        int tries = 0;
        while (fault(gfn) == RET_PF_RETRY) bound 2 {
            tries++;
        }
    }

    void zapper() {
        write_lock(&mmu_lock);
        for (int i = 0; i < LEVELS; i++) {
            u64 old = xchg(&spte[i], SHADOW_NONPRESENT_VALUE);
            WARN_ON(old == FROZEN_SPTE);
        }
        write_unlock(&mmu_lock);
        synchronize_rcu();
    }

    void waiter() {
        await (installs > 0 || kvm_vm_bugged);
        atomic {
            busy = true;
            installs = installs - 1;
        }
        spin_lock(&stats_lock);
        busy = false;
        spin_unlock(&stats_lock);
    }

    scenario two_faults {
        thread vcpu0 = vcpu(gfn: 1);
        thread vcpu1 = vcpu(1);
        expect ok;
    }

    scenario fault_and_zap {
        init { installs = 0; }
        thread vcpu0 = vcpu(0);
        thread zap = zapper();
        thread w = waiter();
        expect violation deadlock;
    }
    """
}
