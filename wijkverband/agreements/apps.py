from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "wijkverband.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from wijkverband.agreements import notices
        from wijkverband.agreements.panels import register
        from wijkverband.work.services.reminders import register_time_check

        register()
        # An invitation with the role "external party" names an organisation party to the team's
        # agreements (tenancy asks through the registry: it sits below agreements).
        from wijkverband.agreements.selectors import external_party_organisation_ids
        from wijkverband.core.registry import register_external_party_organisations

        register_external_party_organisations(external_party_organisation_ids)
        # Someone who leaves the team (or is removed) hands their agreements to a coordinator.
        from wijkverband.agreements import services
        from wijkverband.core.registry import MembershipEnd, register_membership_end

        register_membership_end(
            MembershipEnd("agreements", holdings=services.membership_holdings, release=services.membership_release)
        )
        # Someone who joins the team (or acts for an organisation there now) is asked what waits on it.
        from wijkverband.core.registry import register_membership_start

        register_membership_start("agreements", services.membership_start)
        # A member made external party or client representative: what they own passes on, as when they
        # leave; an external party's notices of agreements it is no party to go.
        from wijkverband.core.registry import register_rights_narrowed

        register_rights_narrowed("agreements", services.rights_narrowed)
        # The last account of an external party made client representative: its consent falls to the
        # coordinators, who are told as when it leaves.
        from wijkverband.core.registry import register_role_given_up

        register_role_given_up("agreements", services.role_given_up)
        # The hourly job asks this app what waits: endorsements, review dates (docs/work.md).
        register_time_check("agreements", notices.time_check)
        # The titles of the notices of a leaving (to whoever owns a leaver's agreements now; to the
        # coordinators, an external party's consent to record), written as they are read.
        from wijkverband.work.serialise import register_notice_phrase

        register_notice_phrase(notices.OWNER_NOW, notices.owner_now_words)
        register_notice_phrase(notices.CONSENT_TO_RECORD, notices.consent_to_record_words)
