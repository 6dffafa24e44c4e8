# Reference values for tests/test_meta_robust.py: metafor::rma at k = 1,000 studies (the scale at
# which the package's REML used to build k x k matrices), DL / REML / PM, z and Hartung-Knapp.
#
# Run from this directory with `Rscript meta_large.R` (or `make reference`). Needs r-cran-metafor.
# Writes meta_large_data.csv (the simulated studies) and meta_large.csv (metafor's results).

suppressPackageStartupMessages(library(metafor))
options(digits = 17)
write_ref <- function(df, file) {
  write.csv(df, file, row.names = FALSE, na = "")
  cat("wrote", file, nrow(df), "rows\n")
}
set.seed(20261125)
k <- 1000
n1 <- sample(10:300, k, replace = TRUE)
n2 <- sample(10:300, k, replace = TRUE)
logit_p <- rnorm(k, qlogis(0.4), 0.6)
x1 <- rbinom(k, n1, plogis(logit_p + rnorm(k, 0.3, 0.4)))
x2 <- rbinom(k, n2, plogis(logit_p))
x1[1:3] <- c(0, n1[2], 1)   # a zero cell and an all-responder study
write_ref(data.frame(events1 = x1, totals1 = n1, events2 = x2, totals2 = n2), "meta_large_data.csv")

ctrl <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
rows <- list()
for (measure in c("PLO", "OR")) {
  es <- if (measure == "OR") escalc("OR", ai = x1, n1i = n1, ci = x2, n2i = n2) else escalc("PLO", xi = x1, ni = n1)
  for (method in c("DL", "REML", "PM")) for (test in c("z", "knha")) {
    fit <- rma(yi, vi, data = es, method = method, test = test, control = ctrl)
    pr <- predict(fit)
    rows[[length(rows) + 1]] <- data.frame(
      measure = measure, method = method, test = test, estimate = as.numeric(fit$b), se = fit$se,
      ci_lb = fit$ci.lb, ci_ub = fit$ci.ub, tau2 = fit$tau2, i2 = fit$I2, q = fit$QE, q_p = fit$QEp,
      pi_lb = pr$pi.lb, pi_ub = pr$pi.ub)
  }
}
write_ref(do.call(rbind, rows), "meta_large.csv")
