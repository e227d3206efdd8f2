"""LTI 1.3 Advantage: Trellis as a tool inside a school's LMS (Canvas,
Moodle, …). The OIDC and JWT handling is pylti1p3's (decision 0013); this app
keeps the registrations, the tool's keys, the accounts linked by platform
``sub``, the links placed by deep linking and the scores sent back."""
