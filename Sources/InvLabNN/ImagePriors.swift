import InvLabTensor

/// Total variation of each image of an `N x C x H x W` batch, giving shape `[N]`.
///
/// Anisotropic (smoothed): `sum sqrt(dv^2 + eps) + sum sqrt(dh^2 + eps)` over vertical and
/// horizontal neighbour differences (Rudin, Osher and Fatemi 1992; the smoothing `eps` keeps the
/// gradient defined at 0, as in the reference workloads W1/W2). Isotropic:
/// `sum sqrt(dv^2 + dh^2 + eps)` over the pixels that have both neighbours. Computed by the
/// fused primitive `Var.totalVariation`.
public func totalVariation(_ x: Var, isotropic: Bool = false, epsilon: Float = 1e-8) -> Var {
    x.totalVariation(isotropic: isotropic, epsilon: epsilon)
}
