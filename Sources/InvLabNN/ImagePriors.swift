import InvLabTensor

/// Total variation of each image of an `N x C x H x W` batch, giving shape `[N]`.
///
/// Anisotropic (smoothed): `sum sqrt(dv^2 + eps) + sum sqrt(dh^2 + eps)` over vertical and
/// horizontal neighbour differences (Rudin, Osher and Fatemi 1992; the smoothing `eps` keeps the
/// gradient defined at 0, as in the reference workloads W1/W2). Isotropic:
/// `sum sqrt(dv^2 + dh^2 + eps)` over the pixels that have both neighbours.
public func totalVariation(_ x: Var, isotropic: Bool = false, epsilon: Float = 1e-8) -> Var {
    precondition(x.rank == 4, "total variation needs N x C x H x W images, got \(x.shape)")
    let (h, w) = (x.shape[2], x.shape[3])
    let dv = x.slice(alongAxis: 2, 1..<h) - x.slice(alongAxis: 2, 0..<(h - 1))
    let dh = x.slice(alongAxis: 3, 1..<w) - x.slice(alongAxis: 3, 0..<(w - 1))
    if isotropic {
        let dvCrop = dv.slice(alongAxis: 3, 0..<(w - 1))
        let dhCrop = dh.slice(alongAxis: 2, 0..<(h - 1))
        return (dvCrop.squared() + dhCrop.squared() + epsilon).sqrt().sumPerSample()
    }
    return (dv.squared() + epsilon).sqrt().sumPerSample() + (dh.squared() + epsilon).sqrt().sumPerSample()
}
