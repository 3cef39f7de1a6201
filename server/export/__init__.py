"""Everything that is mine or shared with me, as one ZIP (GET /api/export, `flask export-user`)."""
