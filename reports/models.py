# Official reports and their archive: built by the reports issue.
