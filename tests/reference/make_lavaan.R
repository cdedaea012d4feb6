#!/usr/bin/env Rscript
# Reference fits for kamreport.satisfaction.cbsem (tests/satisfaction/test_cbsem.py).
#
# Fits three models with lavaan's defaults for sem()/cfa() (ML, expected information,
# listwise, first loading fixed to 1, a single indicator's residual variance fixed to 0) and
# writes, per model, into this folder:
#   lavaan_<model>_estimates.csv  parameterEstimates() joined with standardizedSolution()$est.std
#   lavaan_<model>_fit.csv        fitMeasures() (measure, value) + converged, iterations
#   lavaan_<model>_implied.csv    model-implied covariance matrix (lavInspect(fit, "implied"))
# plus the two lavaan data sets as CSV so the Python suite needs no R:
#   lavaan_PoliticalDemocracy.csv, lavaan_HolzingerSwineford1939.csv
#
# Models: (1) ecsi_mobi   the ECSI model on mobi (Tenenhaus et al. 2005), all blocks reflective;
#         (2) poldem      Bollen (1989) Political Democracy, the lavaan tutorial's SEM example,
#                         with its six residual covariances;
#         (3) hs_cfa      Holzinger & Swineford (1939) three-factor CFA (lavaan tutorial).
#
# Usage (from the repository root):  Rscript tests/reference/make_lavaan.R [path/to/mobi.csv]
# Default mobi path: ../shared/reference/mobi/mobi.csv relative to the repository root.

suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- normalizePath(dirname(script))
repo <- normalizePath(file.path(out_dir, "..", ".."))
user_args <- commandArgs(trailingOnly = TRUE)
mobi_path <- if (length(user_args) >= 1) user_args[1] else
  file.path(repo, "..", "shared", "reference", "mobi", "mobi.csv")
software <- sprintf("lavaan %s, %s", as.character(packageVersion("lavaan")), R.version.string)

write_fit <- function(fit, name) {
  pe <- parameterEstimates(fit, ci = FALSE)
  ss <- standardizedSolution(fit, type = "std.all", ci = FALSE)
  pe$std_all <- ss$est.std
  pe <- pe[, c("lhs", "op", "rhs", "est", "se", "z", "pvalue", "std_all")]
  write.csv(pe, file.path(out_dir, sprintf("lavaan_%s_estimates.csv", name)),
            row.names = FALSE)
  fm <- fitMeasures(fit)
  fm <- data.frame(measure = names(fm), value = as.numeric(fm))
  fm <- rbind(fm, data.frame(measure = c("converged", "iterations"),
                             value = c(as.numeric(lavInspect(fit, "converged")),
                                       lavInspect(fit, "iterations"))))
  fm$software <- software
  implied <- lavInspect(fit, "implied")$cov
  write.csv(data.frame(item = rownames(implied), unclass(implied), check.names = FALSE),
            file.path(out_dir, sprintf("lavaan_%s_implied.csv", name)), row.names = FALSE)
  write.csv(fm, file.path(out_dir, sprintf("lavaan_%s_fit.csv", name)), row.names = FALSE)
  cat(sprintf("%-10s chi2 = %.4f  df = %d  converged = %s\n", name,
              fitMeasures(fit, "chisq"), as.integer(fitMeasures(fit, "df")),
              lavInspect(fit, "converged")))
}

# (1) ECSI on mobi ---------------------------------------------------------------------------
mobi <- read.csv(mobi_path)
ecsi <- '
  Image        =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
  Expectation  =~ CUEX1 + CUEX2 + CUEX3
  Quality      =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
  Value        =~ PERV1 + PERV2
  Satisfaction =~ CUSA1 + CUSA2 + CUSA3
  Complaints   =~ CUSCO
  Loyalty      =~ CUSL1 + CUSL2 + CUSL3
  Expectation  ~ Image
  Quality      ~ Expectation
  Value        ~ Expectation + Quality
  Satisfaction ~ Image + Expectation + Quality + Value
  Complaints   ~ Satisfaction
  Loyalty      ~ Image + Satisfaction + Complaints
  CUSCO ~~ 0*CUSCO
'
write_fit(sem(ecsi, data = mobi), "ecsi_mobi")

# (2) Political Democracy (Bollen 1989, p. 332; lavaan tutorial "SEM") ------------------------
write.csv(PoliticalDemocracy, file.path(out_dir, "lavaan_PoliticalDemocracy.csv"),
          row.names = FALSE)
poldem <- '
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
'
write_fit(sem(poldem, data = PoliticalDemocracy), "poldem")

# (3) Holzinger & Swineford (1939) three-factor CFA (lavaan tutorial "CFA") -------------------
hs <- HolzingerSwineford1939
write.csv(hs, file.path(out_dir, "lavaan_HolzingerSwineford1939.csv"), row.names = FALSE)
hs_model <- '
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
'
write_fit(cfa(hs_model, data = hs), "hs_cfa")
